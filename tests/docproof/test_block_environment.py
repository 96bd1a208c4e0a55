"""A Python block sees exactly the page's environment, whatever ran before it in the process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docproof.pyexec import python_conditions


@pytest.fixture
def page_env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PAGE": "ünïcode value"}


def test_a_block_sees_the_page_env_and_the_process_gets_its_own_back(
        page_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTER_ONLY", "1")
    before = dict(os.environ)
    with python_conditions(env=page_env, cwd=tmp_path, timeout_s=5):
        assert dict(os.environ) == page_env
        assert Path.cwd() == tmp_path
        os.environ["SET_BY_BLOCK"] = "x"
    assert dict(os.environ) == before


def test_in_a_page_process_each_block_starts_from_the_page_env_again(
        page_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):  # the page's own process: its env is the page's alone
        monkeypatch.delenv(key)
    for key, value in page_env.items():
        monkeypatch.setenv(key, value)
    with python_conditions(env=page_env, cwd=tmp_path, timeout_s=5, restore_env=False):
        os.environ["SET_BY_BLOCK"] = "x"
        os.environ["PAGE"] = "changed by the block"
        del os.environ["HOME"]
    os.environ["PYTEST_CURRENT_TEST"] = "what pytest sets between blocks"
    with python_conditions(env=page_env, cwd=tmp_path, timeout_s=5, restore_env=False):
        assert dict(os.environ) == page_env
    with python_conditions(env=page_env, cwd=tmp_path, timeout_s=5, restore_env=False):
        assert dict(os.environ) == page_env  # unchanged since: still exactly the page's
    other = {**page_env, "PAGE": "another page"}
    with python_conditions(env=other, cwd=tmp_path, timeout_s=5, restore_env=False):
        assert dict(os.environ) == other
