"""Writes: one request, one commit on the bare clone, advanced with compare-and-swap."""

import pytest
from apirig import BRANCH, Rig, git, ident, person

from podsim.api import store
from podsim.api.context import ProcessContext
from podsim.api.errors import StoreError, TransactionError
from podsim.api.store import (
    API_EMAIL,
    API_NAME,
    commits_with_write_id,
    open_store,
    write_record,
)
from podsim.seed import render_toml


def test_write_commits_record_at_templated_path_without_working_tree(rig: Rig) -> None:
    before = rig.tip(rig.pod)
    commit = write_record(rig.ctx(), "people", person("jane-doe", email="j@x.org"), "w-0007",
                          "jane")
    assert commit is not None
    assert rig.tip(rig.pod) == commit
    assert rig.git(rig.pod, "rev-parse", f"{commit}^") == before
    assert rig.git(rig.pod, "show", f"{commit}:people/jane-doe.toml") + "\n" == render_toml(
        person("jane-doe", email="j@x.org"))
    assert rig.git(rig.pod, "log", "-1", "--format=%B", commit) == (
        "Update people/jane-doe\n\nWrite-Id: w-0007\nSheet: people")
    author, committer, date = rig.git(
        rig.pod, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%cI", commit).split("|")
    assert author.startswith("user-") and author.endswith("@users.noreply.codeforphilly.org>")
    assert committer == f"{API_NAME} <{API_EMAIL}>"
    assert date == "2026-08-15T12:00:00+00:00"  # the clock's virtual epoch
    assert not (rig.pod / "index").exists()
    assert commits_with_write_id(rig.ctx(), BRANCH, "w-0007") == [commit]


def test_same_write_at_same_virtual_time_gives_same_hash(rig: Rig) -> None:
    first = write_record(rig.ctx(), "people", person("jane-doe"), "w-1", "jane")
    rig.git(rig.pod, "update-ref", f"refs/heads/{BRANCH}", f"{first}^")
    again = write_record(rig.ctx(), "people", person("jane-doe"), "w-1", "jane")
    assert again == first


def test_unchanged_tree_makes_no_commit(rig: Rig) -> None:
    assert write_record(rig.ctx(), "people", person("ada-chen"), "w-1", "ada") is None


def test_cas_failure_is_commit_failed(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer moves the branch after this write read HEAD and before it updates."""
    build_tree = store._tree_with
    other: list[str | None] = []

    def tree_then_other_writer(ctx: ProcessContext, parent: str, path: str, text: str) -> str:
        tree = build_tree(ctx, parent, path, text)
        monkeypatch.setattr(store, "_tree_with", build_tree)  # the other write runs unraced
        other.append(write_record(rig.ctx(), "people", person("bo"), "w-2", "bo"))
        return tree

    before = rig.tip(rig.pod)
    monkeypatch.setattr(store, "_tree_with", tree_then_other_writer)
    with pytest.raises(TransactionError, match=f"refs/heads/{BRANCH} moved") as caught:
        write_record(rig.ctx(), "people", person("jane-doe"), "w-1", "jane")
    assert caught.value.code == "commit_failed"
    (moved,) = other
    assert moved is not None and rig.git(rig.pod, "rev-parse", f"{moved}^") == before
    assert rig.tip(rig.pod) == moved  # the other write stands; the losing one left no trace
    assert commits_with_write_id(rig.ctx(), BRANCH, "w-1") == []


def test_open_store_refuses_non_bare_and_missing_gitsheets(rig: Rig) -> None:
    (rig.pod / ".git").mkdir()
    with pytest.raises(StoreError, match="must be bare"):
        open_store(rig.ctx())
    (rig.pod / ".git").rmdir()
    empty = git(rig.env, rig.pod, "mktree")
    bare = git(rig.env, rig.pod, "commit-tree", empty, "-m", "empty", extra=ident("X"))
    rig.git(rig.pod, "update-ref", f"refs/heads/{BRANCH}", bare)
    with pytest.raises(StoreError, match=r"no \.gitsheets/"):
        open_store(rig.ctx())
