"""Run Markdown pages in a pytest session of their own, as CI would, and read its report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INI = "[pytest]\naddopts = -p no:cacheprovider -p no:benchmark\n"


@dataclass(frozen=True)
class PageRun:
    returncode: int
    output: str
    report: dict[str, Any]


def run_pages(workdir: Path, *pages: Path, glue: Path = REPO) -> PageRun:
    """Run `pages` from `workdir`, binding worlds through the conftest.py in `glue`.

    When `glue` is `workdir` itself (a copy of the project), pytest finds that conftest on
    its own; otherwise the repository's conftest is loaded as a plugin.
    """
    if not (workdir / "pytest.ini").exists():
        (workdir / "pytest.ini").write_text(INI)
    report = workdir / "report.json"
    plugin = [] if glue == workdir else ["-p", "conftest"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *plugin,
            "--docproof-report",
            str(report),
            *map(str, pages),
        ],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(glue)},
        capture_output=True,
        text=True,
        check=False,
    )
    return PageRun(done.returncode, done.stdout + done.stderr, json.loads(report.read_text()))
