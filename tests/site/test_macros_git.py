"""mkdocs-macros' `git` variable runs git only when a page reads it (hooks/macros_git.py)."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from site_project import REPO, load_module
from super_collections import SuperDict  # type: ignore[import-untyped]


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_module("site_macros_git", REPO / "hooks" / "macros_git.py")


def _counting(reads: list[int]) -> Any:
    def read() -> dict[str, str]:
        reads.append(1)
        return {"commit": "0123abc", "author": "someone"}

    return read


def test_copying_the_variables_as_each_build_starts_reads_no_git(hook: ModuleType) -> None:
    reads: list[int] = []
    git = hook.GitOnDemand(_counting(reads))
    variables = {"git": git, "other": 1}
    SuperDict(variables).to_json()  # what mkdocs-macros logs on every build
    json.dumps(variables)
    assert reads == []


def test_a_page_reading_git_gets_what_git_says_read_once(hook: ModuleType) -> None:
    reads: list[int] = []
    git = hook.GitOnDemand(_counting(reads))
    assert git["commit"] == "0123abc"
    assert "author" in git and git.get("missing") is None
    assert dict(git.items()) == {"commit": "0123abc", "author": "someone"}
    assert reads == [1]


def test_the_stand_in_reader_gives_each_build_its_own_reading(hook: ModuleType) -> None:
    reads: list[int] = []
    deferred = hook.read_when_used(_counting(reads))
    first, second = deferred(), deferred()
    assert first["commit"] == second["commit"] == "0123abc"
    assert reads == [1, 1]
