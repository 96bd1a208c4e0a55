"""One fast-import per write makes the very commit the plumbing makes."""

from typing import Any

import pytest
from apirig import BRANCH, Rig, person

from podsim.api import one_file_commit, store
from podsim.api.store import open_store, write_record
from podsim.seed import render_toml


def _both_ways(rig: Rig, monkeypatch: pytest.MonkeyPatch, slug: str) -> tuple[Any, Any]:
    """The same write made by fast-import and by the plumbing, from the same HEAD."""
    before = rig.tip(rig.pod)
    fast = write_record(rig.ctx(), "people", person(slug, email="x@y.org"), "w-1", "jane")
    rig.git(rig.pod, "update-ref", f"refs/heads/{BRANCH}", before)
    monkeypatch.setattr(one_file_commit, "entry_at", lambda *_: None)  # forces the plumbing
    plumbing = write_record(rig.ctx(), "people", person(slug, email="x@y.org"), "w-1", "jane")
    return fast, plumbing


def test_a_new_record_gets_the_plumbings_commit(rig: Rig,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fast, plumbing = _both_ways(rig, monkeypatch, "new-person")
    assert fast is not None and fast == plumbing


def test_a_changed_record_gets_the_plumbings_commit(rig: Rig,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fast, plumbing = _both_ways(rig, monkeypatch, "ada-chen")
    assert fast is not None and fast == plumbing


def test_fast_import_leaves_no_ref_behind(rig: Rig) -> None:
    refs = rig.git(rig.pod, "for-each-ref", "--format=%(refname)")
    assert write_record(rig.ctx(), "people", person("jo-lee"), "w-1", "jo") is not None
    assert rig.git(rig.pod, "for-each-ref", "--format=%(refname)") == refs


def test_the_entry_of_a_path_is_read_from_the_parent_tree(rig: Rig) -> None:
    head = open_store(rig.ctx())
    text = render_toml(person("ada-chen")).encode()
    mode, oid = one_file_commit.entry_at(rig.ctx(), head.commit, "people/ada-chen.toml") or ()
    assert (mode, oid) == ("100644", rig.git(rig.pod, "rev-parse",
                                             f"{head.commit}:people/ada-chen.toml"))
    assert oid == one_file_commit.blob_id(text)
    assert one_file_commit.entry_at(rig.ctx(), head.commit, "people/nobody.toml") == ("", "")
    # not plain: a directory at the path, or no such directory at all
    assert one_file_commit.entry_at(rig.ctx(), head.commit, "people") is None
    assert one_file_commit.entry_at(rig.ctx(), head.commit, "nowhere/x.toml") is None
    assert store.open_store(rig.ctx()) == head
