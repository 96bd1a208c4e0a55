"""A report is fresh while the checkout's content is what its finished run of every block saw."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import run_inner

from docproof.freshness import staleness


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _checkout(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text(".docproof/\nhome/\n__pycache__/\n")
    _git(root, "init", "-q")


def test_a_full_run_is_fresh_until_the_checkout_changes(tmp_path: Path) -> None:
    _checkout(tmp_path)
    run = run_inner(tmp_path, ["passing.md"])
    report = tmp_path / ".docproof" / "report.json"
    assert run.report["summary"]["every_block"] is True
    assert staleness(report, tmp_path) is None
    page = tmp_path / "samples" / "passing.md"
    original = page.read_text()
    page.write_text(original + "\nOne more sentence.\n")
    assert staleness(report, tmp_path) == "the checkout changed since"
    page.write_text(original)  # the same content again: the same checkout
    assert staleness(report, tmp_path) is None
    (tmp_path / "notes.txt").write_text("an untracked file is part of the checkout too\n")
    assert staleness(report, tmp_path) == "the checkout changed since"


def test_a_run_of_some_pages_only_is_never_fresh(tmp_path: Path) -> None:
    _checkout(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n```{.python}\nassert True\n```\n")
    run = run_inner(tmp_path, ["passing.md"])
    assert run.report["summary"]["every_block"] is False
    why = staleness(tmp_path / ".docproof" / "report.json", tmp_path)
    assert why == "its run did not cover every block of every page"


def test_an_unfinished_or_missing_report_is_stale(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    assert staleness(report, tmp_path) == "no report yet"
    report.write_text('{"summary": {"complete": false, "every_block": true, "checkout": "x"}}')
    assert staleness(report, tmp_path) == "its run did not finish"
