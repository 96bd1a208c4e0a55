"""Run sample pages in an inner pytest session (a subprocess) with a test-only world."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from shared_runs import SharedRun, shared_folder

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PROVIDER = Path(__file__).with_name("counter_world.py")
INI = "[pytest]\naddopts = -p no:cacheprovider -p no:benchmark\nfilterwarnings = error\n"


@dataclass(frozen=True)
class InnerRun:
    returncode: int
    output: str
    report: dict[str, Any]
    root: Path

    def block(self, sample: str, line: int) -> dict[str, Any]:
        file = f"samples/{sample}"
        found: list[dict[str, Any]] = [
            b for b in self.report["blocks"] if (b["file"], b["line"]) == (file, line)
        ]
        assert len(found) == 1, f"{file}:{line} not in report: {self.report['blocks']}"
        return found[0]

    def statuses(self, sample: str) -> list[tuple[int, str]]:
        file = f"samples/{sample}"
        return [(b["line"], b["status"]) for b in self.report["blocks"] if b["file"] == file]


def line_of(sample: str, text: str, nth: int = 1) -> int:
    """1-based line number of the ``nth`` line of a sample containing ``text``."""
    lines = (SAMPLES / sample).read_text().splitlines()
    hits = [number for number, line in enumerate(lines, 1) if text in line]
    return hits[nth - 1]


def fences(sample: str) -> list[int]:
    """Lines of every opening fence in a sample (top level or indented)."""
    lines = (SAMPLES / sample).read_text(errors="replace").splitlines()
    openers, inside = [], False
    for number, line in enumerate(lines, 1):
        if line.strip().startswith("```"):
            if not inside:
                openers.append(number)
            inside = not inside
    return openers


def inner_command(
    root: Path, samples: list[str], *args: str, prefix: Sequence[str] = ()
) -> tuple[list[str], dict[str, str]]:
    """Copy ``samples`` under ``root/samples``; the command that runs them explicitly with
    pytest there, and its environment (``prefix``: a command that runs pytest, e.g. with
    fewer privileges)."""
    (root / "samples").mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text(INI)
    (root / "conftest.py").write_text(PROVIDER.read_text())
    for sample in samples:
        shutil.copy(SAMPLES / sample, root / "samples" / sample)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["HOME"] = str(root / "home")
    command = [*prefix, sys.executable, "-m", "pytest", *[f"samples/{s}" for s in samples], *args]
    return command, env


def inner_run(root: Path, returncode: int, output: str) -> InnerRun:
    """The finished run in ``root``, with the report it wrote (empty if none)."""
    report_file = root / ".docproof" / "report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    return InnerRun(returncode, output, report, root)


def run_inner(
    root: Path, samples: list[str], *args: str, prefix: Sequence[str] = ()
) -> InnerRun:
    """Copy ``samples`` under ``root/samples`` and run them explicitly with pytest
    (``prefix``: a command that runs pytest, e.g. with fewer privileges)."""
    command, env = inner_command(root, samples, *args, prefix=prefix)
    done = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=100, check=False
    )
    return inner_run(root, done.returncode, done.stdout + done.stderr)


ALL_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.md"))
# Samples that cannot be read as pages: each is one failure at the line given.
PAGE_PROBLEMS = {"front-matter-typo.md": 2, "not-utf8.md": 3, "duplicate-claim.md": 6}


# The two runs of every sample that many tests read: one serial, one with two xdist workers.
WHOLE_SAMPLE_RUNS = {"serial_run": ("-rA",), "parallel_run": ("-n", "2", "-rA")}
_SHARED = pytest.StashKey[dict[str, SharedRun]]()


def _whole_sample_runs(config: pytest.Config) -> dict[str, SharedRun]:
    if _SHARED not in config.stash:
        # Hooks get no fixtures: the session's tmp_path_factory, as pytest keeps it.
        factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
        folder = shared_folder(factory) / "whole-sample-runs"
        config.stash[_SHARED] = {
            name: SharedRun(folder / name, functools.partial(_prepare, args=args))
            for name, args in WHOLE_SAMPLE_RUNS.items()
        }
    return config.stash[_SHARED]


def _prepare(root: Path, args: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    return inner_command(root, ALL_SAMPLES, *args)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the whole-sample runs the collected tests read, in the background."""
    if session.config.option.collectonly:
        return
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())
              if name in WHOLE_SAMPLE_RUNS}
    runs = _whole_sample_runs(session.config)
    for name in sorted(needed):
        runs[name].start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for run in session.config.stash.get(_SHARED, {}).values():
        # Another worker may be waiting for it; an interrupted session waits for nothing.
        run.join(stop=exitstatus == pytest.ExitCode.INTERRUPTED)


def _finished(config: pytest.Config, name: str) -> InnerRun:
    run = _whole_sample_runs(config)[name]
    returncode, output = run.wait()
    return inner_run(run.root, returncode, output)


@pytest.fixture(scope="session")
def serial_run(pytestconfig: pytest.Config) -> InnerRun:
    return _finished(pytestconfig, "serial_run")


@pytest.fixture(scope="session")
def parallel_run(pytestconfig: pytest.Config) -> InnerRun:
    return _finished(pytestconfig, "parallel_run")
