"""Run Markdown pages in a pytest session of their own, as CI would, and read its report.

The pages of the handbook (docs/, specs/, runbooks/) are run by the test suite itself; the
tests here run only what the suite does not: edited copies and samples, several pages in
one session where they can share it (each page still runs in its own sandbox)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docproof.authoring import Page, read_page

REPO = Path(__file__).resolve().parents[2]
INI = "[pytest]\naddopts = -p no:cacheprovider -p no:benchmark\n"


@dataclass(frozen=True)
class PageRun:
    returncode: int
    output: str
    report: dict[str, Any]

    def blocks(self, page: str) -> list[dict[str, Any]]:
        """The report's blocks of `page` (its path relative to the session's folder)."""
        found = [block for block in self.report["blocks"] if block["file"] == page]
        assert found, f"the run has no blocks of {page}: {self.output}"
        return found

    def statuses(self, page: str) -> list[str]:
        return [block["status"] for block in self.blocks(page)]


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


def run_copies(workdir: Path, copies: dict[str, tuple[Path, str]]) -> dict[str, PageRun]:
    """Write each case's edited copy of a page as `<case>/<page name>` under `workdir` and run
    them in as few pytest sessions as can hold them: session k runs the k-th copy of each page
    (two copies of one page in one session would declare the same claims twice). Case -> the
    run that ran its copy."""
    sessions: list[dict[str, Path]] = []
    for case, (page, text) in copies.items():
        copy = workdir / case / page.name
        copy.parent.mkdir()
        copy.write_text(text)
        free = next((s for s in sessions if page.name not in {p.name for p in s.values()}), None)
        if free is None:
            free = {}
            sessions.append(free)
        free[case] = copy
    runs: dict[str, PageRun] = {}
    for session in sessions:
        runs.update(dict.fromkeys(session, run_pages(workdir, *session.values())))
    return runs


def suite_page(path: Path) -> Page:
    """A handbook page the test suite runs itself (one of pytest's testpaths holds it), so
    that run is what proves the page passes; tests read the page's shape from here."""
    testpaths = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]["testpaths"]
    relative = path.resolve().relative_to(REPO)
    assert relative.parts[0] in testpaths, f"{relative} is not among testpaths {testpaths}"
    return read_page(path, relative)
