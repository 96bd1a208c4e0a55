"""`nox -s serve` checks for jq and serves even when pages fail (their badges show it)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from site_project import REPO, load_module


def _noxfile() -> ModuleType:
    return load_module("project_noxfile", REPO / "noxfile.py")


class _Stopped(Exception):
    pass


class FakeSession:
    """Records what a session would run; pages "fail" by writing a report with failures."""

    def __init__(self, failing: int, freshness: str = "stale: no report yet",
                 posargs: tuple[str, ...] = ()) -> None:
        self.failing = failing
        self.freshness = freshness  # what `python -m docproof.freshness` says
        self.posargs = list(posargs)
        self.runs: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        self.warnings: list[str] = []
        self.logs: list[str] = []

    def install(self, *args: str) -> None:
        pass

    def run(self, *args: str, **kwargs: Any) -> str | None:
        self.runs.append((args, kwargs))
        if args[:3] == ("python", "-m", "docproof.freshness"):
            return self.freshness + "\n"
        if args[0] == "pytest":
            report = Path(".docproof") / "report.json"
            report.parent.mkdir(exist_ok=True)
            report.write_text(json.dumps({"summary": {"fail": self.failing}}))
            if self.failing and 1 not in kwargs.get("success_codes", [0]):
                raise _Stopped("pytest exited 1")
        return None

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def log(self, message: str) -> None:
        self.logs.append(message)

    def error(self, message: str) -> None:
        raise _Stopped(message)


_NOXFILE = _noxfile()  # once: nox registers its sessions on import


@pytest.fixture
def noxfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.chdir(tmp_path)
    return _NOXFILE


def _serve(noxfile: ModuleType, session: FakeSession) -> None:
    noxfile.serve(session)


def test_serve_goes_on_when_pages_fail_and_says_so(
    noxfile: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(noxfile.shutil, "which", lambda name: f"/usr/bin/{name}")
    session = FakeSession(failing=2)
    _serve(noxfile, session)
    assert session.runs[-1][0][:2] == ("mkdocs", "serve")
    assert session.warnings and "2 page blocks fail" in session.warnings[0]


def test_serve_needs_jq(noxfile: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(noxfile.shutil, "which", lambda name: None)
    session = FakeSession(failing=0)
    with pytest.raises(_Stopped, match="jq"):
        _serve(noxfile, session)
    assert session.runs == []


def _ran_pages(session: FakeSession) -> bool:
    return any(args[0] == "pytest" for args, _ in session.runs)


def test_serve_reuses_a_fresh_report_and_still_says_what_fails(
    noxfile: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(noxfile.shutil, "which", lambda name: f"/usr/bin/{name}")
    report = Path(".docproof") / "report.json"
    report.parent.mkdir()
    report.write_text(json.dumps({"summary": {"fail": 1}}))
    session = FakeSession(failing=0, freshness="fresh")
    _serve(noxfile, session)
    assert not _ran_pages(session)
    assert session.runs[-1][0][:2] == ("mkdocs", "serve")
    assert session.warnings and "1 page blocks fail" in session.warnings[0]


@pytest.mark.parametrize(("freshness", "posargs"), [
    ("stale: the checkout changed since", ()),
    ("fresh", ("--verify",)),
])
def test_serve_runs_the_pages_unless_the_report_is_fresh(
    noxfile: ModuleType, monkeypatch: pytest.MonkeyPatch, freshness: str,
    posargs: tuple[str, ...]
) -> None:
    monkeypatch.setattr(noxfile.shutil, "which", lambda name: f"/usr/bin/{name}")
    session = FakeSession(failing=0, freshness=freshness, posargs=posargs)
    _serve(noxfile, session)
    assert _ran_pages(session)
    assert session.runs[-1][0][:2] == ("mkdocs", "serve")
