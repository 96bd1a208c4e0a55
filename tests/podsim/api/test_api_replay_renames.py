"""Replay follows renames as `git merge-tree` (ort) does, checked against real merge-tree.

This machine's git may predate `--merge-base` (2.40), but `git merge-tree --write-tree
<ours> <theirs>` (2.38) computes the same merge when the merge base is the replayed
commit's parent, as it is here. That is the reference each case is compared with.
"""

import tempfile
from pathlib import Path

import pytest
from apirig import BRANCH, Rig, git, ident

from podsim.api.errors import ReplayConflict
from podsim.api.reconcile import reconcile
from podsim.api.replay import merge_tree

RECORD = "".join(f'field_{n} = "value {n}"\n' for n in range(12))
EDITED = RECORD.replace('"value 5"', '"edited on the pod"')


def commit_tree(rig: Rig, repo: Path, parent: str, remove: list[str], add: dict[str, str],
                message: str) -> str:
    """A commit on `parent` with `remove` deleted and `add` written (no ref moves)."""
    with tempfile.TemporaryDirectory() as tmp:
        idx = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git(rig.env, repo, "read-tree", parent, extra=idx)
        if remove:  # --index-info with mode 0 drops a path (no work tree needed)
            drops = "".join(f"0 {'0' * 40}\t{path}\n" for path in remove)
            git(rig.env, repo, "update-index", "--index-info", stdin=drops, extra=idx)
        for path, text in add.items():
            blob = git(rig.env, repo, "hash-object", "-w", "--stdin", stdin=text)
            git(rig.env, repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}",
                extra=idx)
        tree = git(rig.env, repo, "write-tree", extra=idx)
    return git(rig.env, repo, "commit-tree", tree, "-p", parent, "-m", message,
               extra=ident("Writer"))


def real_merge_tree(rig: Rig, ours: str, theirs: str) -> tuple[int, str]:
    """What ort says: (exit code, first stdout line = the tree)."""
    import subprocess

    done = subprocess.run(["git", "merge-tree", "--write-tree", ours, theirs], cwd=rig.pod,
                          env=rig.env, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout.split("\n", 1)[0]


@pytest.fixture
def based(rig: Rig) -> tuple[Rig, str]:
    """The pod and origin share a base holding people/ada.toml (RECORD)."""
    base = commit_tree(rig, rig.pod, rig.tip(rig.pod), [], {"people/ada.toml": RECORD}, "base")
    rig.git(rig.pod, "update-ref", f"refs/heads/{BRANCH}", base)
    rig.git(rig.pod, "push", "-q", "origin", BRANCH)
    return rig, base


def test_origin_renames_the_pod_edits_merges_clean_like_ort(based: tuple[Rig, str]) -> None:
    rig, base = based
    renamed = commit_tree(rig, rig.pod, base, ["people/ada.toml"],
                          {"people/ada-lovelace.toml": RECORD}, "rename upstream")
    edited = commit_tree(rig, rig.pod, base, [], {"people/ada.toml": EDITED}, "edit on pod")
    code, ort_tree = real_merge_tree(rig, renamed, edited)
    assert code == 0
    assert merge_tree(rig.ctx(), base, renamed, edited) == ort_tree
    assert rig.git(rig.pod, "show", f"{ort_tree}:people/ada-lovelace.toml") == EDITED.strip()


def test_rename_rename_conflicts_like_ort(based: tuple[Rig, str]) -> None:
    rig, base = based
    upstream = commit_tree(rig, rig.pod, base, ["people/ada.toml"],
                           {"people/ada-lovelace.toml": RECORD}, "rename upstream")
    local = commit_tree(rig, rig.pod, base, ["people/ada.toml"],
                        {"people/ada-byron.toml": RECORD}, "rename on pod")
    assert real_merge_tree(rig, upstream, local)[0] == 1
    with pytest.raises(ReplayConflict, match="rename/rename"):
        merge_tree(rig.ctx(), base, upstream, local)


def test_reconcile_rebases_an_edit_onto_an_upstream_rename(based: tuple[Rig, str]) -> None:
    rig, base = based
    renamed = commit_tree(rig, rig.origin, base, ["people/ada.toml"],
                          {"people/ada-lovelace.toml": RECORD}, "rename upstream")
    rig.git(rig.origin, "update-ref", f"refs/heads/{BRANCH}", renamed)
    edited = commit_tree(rig, rig.pod, base, [], {"people/ada.toml": EDITED}, "edit on pod")
    rig.git(rig.pod, "update-ref", f"refs/heads/{BRANCH}", edited)
    result = reconcile(rig.ctx(), BRANCH)
    assert result.outcome == "rebased"
    assert rig.git(rig.origin, "show", f"{BRANCH}:people/ada-lovelace.toml") == EDITED.strip()
    assert rig.git(rig.origin, "ls-tree", "--name-only", f"{BRANCH}:people").split() == [
        "ada-chen.toml", "ada-lovelace.toml"]
