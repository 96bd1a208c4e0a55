"""Pages for the benchmark suite: write them, run them through docproof or plain
pytest-markdown-docs (PMD) in a pytest process of their own, and time the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
INI = "[pytest]\naddopts = -p no:cacheprovider -p no:benchmark -p no:xdist\n"


class BenchError(RuntimeError):
    """A benchmark's subject did not do what it is timed doing."""


def python_block(code: str) -> str:
    return f"```{{.python}}\n{code}\n```\n"


def console_block(command: str, output: str) -> str:
    return f"```{{.console}}\n$ {command}\n{output}\n```\n"


def pmd_block(code: str, continuation: bool = False) -> str:
    return f"```python{' continuation' if continuation else ''}\n{code}\n```\n"


def page(blocks: Sequence[str], world: str | None = None) -> str:
    front = f"---\nworld: {world}\n---\n" if world else ""
    return front + "# Benchmark page\n\n" + "\n".join(blocks)


class PageRunner:
    """Runs pages kept in `workdir`, each in a fresh pytest process.

    `tool` is "docproof" (the project's runner, with the repository's conftest.py binding
    worlds) or "pmd" (pytest-markdown-docs alone, docproof switched off)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "pytest.ini").write_text(INI)

    def write(self, name: str, text: str) -> Path:
        path = self.workdir / name
        path.write_text(text, encoding="utf-8")
        return path

    def _argv(self, path: Path, tool: str, timer: Path | None) -> list[str]:
        argv = [sys.executable, "-m", "pytest", "-q"]
        if tool == "docproof":
            argv += ["-p", "conftest", "--docproof-report", str(self.workdir / "report.json")]
        elif tool == "pmd":
            argv += ["-p", "no:docproof", "--markdown-docs"]
        else:
            raise ValueError(f"unknown page tool {tool!r} (docproof or pmd)")
        if timer is not None:
            argv += ["-p", "bench_block_timer"]
        return [*argv, path.name]

    def _run(self, path: Path, tool: str, timer: Path | None) -> float:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(REPO), str(SCRIPTS)))}
        if timer is not None:
            env["BENCH_BLOCK_TIMES"] = str(timer)
        start = time.perf_counter()
        done = subprocess.run(self._argv(path, tool, timer), cwd=self.workdir, env=env,
                              capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise BenchError(f"{tool} run of {path} failed ({done.returncode}):\n{tail}")
        return elapsed

    def wall(self, path: Path, tool: str = "docproof") -> float:
        """Seconds the whole run took: interpreter, plugins, collection, world, blocks."""
        return self._run(path, tool, None)

    def block_times(self, path: Path, tool: str = "docproof") -> list[float]:
        """Seconds each block took, in page order, as the pytest session timed them."""
        timer = self.workdir / f"{path.stem}.times.json"
        self._run(path, tool, timer)
        times: list[float] = json.loads(timer.read_text())
        return times
