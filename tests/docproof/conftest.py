"""Run sample pages in an inner pytest session (a subprocess) with a test-only world."""

from __future__ import annotations

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


def run_inner(
    root: Path, samples: list[str], *args: str, prefix: Sequence[str] = ()
) -> InnerRun:
    """Copy ``samples`` under ``root/samples`` and run them explicitly with pytest
    (``prefix``: a command that runs pytest, e.g. with fewer privileges)."""
    (root / "samples").mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text(INI)
    (root / "conftest.py").write_text(PROVIDER.read_text())
    for sample in samples:
        shutil.copy(SAMPLES / sample, root / "samples" / sample)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["HOME"] = str(root / "home")
    command = [*prefix, sys.executable, "-m", "pytest", *[f"samples/{s}" for s in samples], *args]
    done = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=100, check=False
    )
    report_file = root / ".docproof" / "report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    return InnerRun(done.returncode, done.stdout + done.stderr, report, root)


ALL_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.md"))
# Samples that cannot be read as pages: each is one failure at the line given.
PAGE_PROBLEMS = {"front-matter-typo.md": 2, "not-utf8.md": 3, "duplicate-claim.md": 6}


@pytest.fixture(scope="session")
def serial_run(tmp_path_factory: pytest.TempPathFactory) -> InnerRun:
    return run_inner(tmp_path_factory.mktemp("serial"), ALL_SAMPLES, "-rA")


@pytest.fixture(scope="session")
def parallel_run(tmp_path_factory: pytest.TempPathFactory) -> InnerRun:
    return run_inner(tmp_path_factory.mktemp("parallel"), ALL_SAMPLES, "-n", "2", "-rA")
