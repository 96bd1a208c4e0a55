"""Keeping the claims lock: accept from a pytest run, or check and accept from the command line.

    python -m docproof.claims_lock            every page's claims against the lock and the
                                              claim rules; exit 1 naming each problem
    python -m docproof.claims_lock --accept   rewrite the lock from the pages as they are

(``nox -s claims [-- --accept]`` runs it.) The written values of figures are compared with
the model only where the model is at hand: in a page run and in the site build.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from docproof.authoring import ClaimsLock, Page, claim_problems, configured_lock, read_page
from docproof.errors import PageError
from docproof.pytest_state import SessionState

DEFAULT_ROOTS = ("docs", "specs", "runbooks")


def accept_claims(state: SessionState) -> list[str]:
    """Take the claims of the pages named on the command line (else of every page) into
    the lock and write it; one line per change."""
    lock = state.lock()
    if lock is None:
        raise ValueError("--accept-claims: no claims lock is configured "
                         "(docproof_claims_lock in [tool.pytest.ini_options])")
    pages = _readable(state.explicit or state.pages(), state.display)
    changes = lock.accept(pages, state.claims())
    lock.write()
    shown = lock.shown
    return [f"claims lock {shown}: {change}" for change in changes] or [
        f"claims lock {shown}: every claim already as locked"]


def _readable(paths: Sequence[Path], display: Callable[[Path], Path]) -> list[Page]:
    pages = []
    for path in paths:
        try:
            pages.append(read_page(path, display(path)))
        except PageError:
            continue  # the run reports it when that page is collected
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docproof.claims_lock", description=(
        "Check every page's claims against the claims lock and the claim rules "
        "(checked, no bare figures); --accept rewrites the lock from the pages."))
    parser.add_argument("--accept", action="store_true", help="rewrite the lock")
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project folder")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    lock_path = configured_lock(project)
    if lock_path is None:
        print(f"{project}/pyproject.toml names no claims lock "
              "(docproof_claims_lock in [tool.pytest.ini_options])", file=sys.stderr)
        return 2
    try:
        lock = ClaimsLock.read(lock_path, lock_path.relative_to(project).as_posix())
        pages = [read_page(path, path.relative_to(project)) for path in _pages(project)]
    except PageError as error:
        print(error, file=sys.stderr)
        return 1
    declared = {claim.id for page in pages for claim in page.claims}
    if args.accept:
        for change in lock.accept(pages, declared):
            print(f"claims lock {lock.shown}: {change}")
        lock.write()
    problems = [problem for page in pages
                for problem in [*claim_problems(page), *lock.problems(page, declared)]]
    for problem in problems:
        print(problem, file=sys.stderr)
    claims = len(declared)
    print(f"claims lock {lock.shown}: {claims} claims, {len(problems)} problems")
    return 1 if problems else 0


def _pages(project: Path) -> list[Path]:
    pyproject = project / "pyproject.toml"
    roots: Sequence[str] = DEFAULT_ROOTS
    if pyproject.is_file():
        with pyproject.open("rb") as handle:
            ini = tomllib.load(handle).get("tool", {}).get("pytest", {}).get("ini_options", {})
        roots = ini.get("docproof_roots", DEFAULT_ROOTS)
    return sorted(p for root in roots if (project / root).is_dir()
                  for p in (project / root).rglob("*.md"))


if __name__ == "__main__":
    sys.exit(main())
