"""Writes: one request, one commit on the bare clone, advanced with compare-and-swap."""

import shutil
from typing import Any

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
    build_commit = store._new_commit
    other: list[str | None] = []

    def commit_then_other_writer(*args: Any) -> str | None:
        commit = build_commit(*args)
        monkeypatch.setattr(store, "_new_commit", build_commit)  # the other write runs unraced
        other.append(write_record(rig.ctx(), "people", person("bo"), "w-2", "bo"))
        return commit

    before = rig.tip(rig.pod)
    monkeypatch.setattr(store, "_new_commit", commit_then_other_writer)
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


def test_open_store_reads_branch_commit_and_tree_of_head(rig: Rig) -> None:
    head = open_store(rig.ctx())
    assert head.branch == BRANCH
    assert head.commit == rig.tip(rig.pod)
    assert head.tree == rig.git(rig.pod, "rev-parse", "HEAD^{tree}")


def test_open_store_names_a_detached_unborn_or_blob_gitsheets_head(rig: Rig) -> None:
    tip = rig.tip(rig.pod)
    rig.git(rig.pod, "update-ref", "--no-deref", "HEAD", tip)
    with pytest.raises(StoreError, match=r"HEAD of .* is detached or missing"):
        open_store(rig.ctx())
    rig.git(rig.pod, "symbolic-ref", "HEAD", "refs/heads/unborn")
    with pytest.raises(StoreError, match=r"\(refs/heads/unborn\) does not resolve"):
        open_store(rig.ctx())
    rig.git(rig.pod, "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
    blob = git(rig.env, rig.pod, "hash-object", "-w", "--stdin", stdin="not a directory\n")
    tree = git(rig.env, rig.pod, "mktree", stdin=f"100644 blob {blob}\t.gitsheets\n")
    flat = git(rig.env, rig.pod, "commit-tree", tree, "-m", "flat", extra=ident("X"))
    rig.git(rig.pod, "update-ref", f"refs/heads/{BRANCH}", flat)
    with pytest.raises(StoreError, match=r"no \.gitsheets/ directory"):
        open_store(rig.ctx())


def test_open_store_refuses_a_directory_that_is_no_repository(rig: Rig) -> None:
    for entry in rig.pod.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    with pytest.raises(StoreError, match="is not a bare git repository"):
        open_store(rig.ctx())


def test_a_healthy_store_opens_with_one_git_process(rig: Rig,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []
    real = ProcessContext.git

    def counted(self: ProcessContext, *args: str, **kwargs: Any) -> Any:
        calls.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ProcessContext, "git", counted)
    open_store(rig.ctx())
    assert len(calls) == 1, calls
