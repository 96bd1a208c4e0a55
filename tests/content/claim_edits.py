"""A throwaway copy of the project for editing one page as a docs maintainer would, and its
page run: the glue, deploy/, the helper scripts, the claims lock and the edited page."""

from __future__ import annotations

import shutil
from pathlib import Path

from page_session import INI, REPO, PageRun, run_pages

LOCK = "claims.lock"


def project_with(root: Path, page: Path, text: str) -> Path:
    """A project under ``root`` holding ``page`` (repository-relative) with ``text``, with
    the repository's claims lock kept as configured; returns the page's path in it."""
    shutil.copy(REPO / "conftest.py", root / "conftest.py")
    shutil.copytree(REPO / "deploy", root / "deploy")
    shutil.copytree(REPO / "scripts", root / "scripts")
    shutil.copy(REPO / LOCK, root / LOCK)
    (root / "pytest.ini").write_text(f"{INI}docproof_claims_lock = {LOCK}\n")
    copy = root / page
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text, encoding="utf-8")
    return copy


def edited(page: Path, old: str, new: str) -> str:
    """The page's text with ``old`` (which must occur exactly once) replaced by ``new``."""
    text = (REPO / page).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{page}: {old!r} occurs {text.count(old)} times; update the test"
    return text.replace(old, new)


def run_edited(root: Path, page: Path, text: str) -> PageRun:
    """``pytest PAGE`` on the edited copy, in its own session, as a maintainer would run it."""
    copy = project_with(root, page, text)
    return run_pages(root, copy, glue=root)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` holding ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)
