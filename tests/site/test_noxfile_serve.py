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

    def __init__(self, failing: int) -> None:
        self.failing = failing
        self.runs: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        self.warnings: list[str] = []

    def install(self, *args: str) -> None:
        pass

    def run(self, *args: str, **kwargs: Any) -> None:
        self.runs.append((args, kwargs))
        if args[0] == "pytest":
            report = Path(".docproof") / "report.json"
            report.parent.mkdir(exist_ok=True)
            report.write_text(json.dumps({"summary": {"fail": self.failing}}))
            if self.failing and 1 not in kwargs.get("success_codes", [0]):
                raise _Stopped("pytest exited 1")

    def warn(self, message: str) -> None:
        self.warnings.append(message)

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
