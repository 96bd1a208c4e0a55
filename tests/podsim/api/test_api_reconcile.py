"""Reconcile outcomes and the refs each leaves, against real git (codeforphilly reconcile.ts)."""

import pytest
from apirig import BRANCH, Rig, git, ident

from podsim.api.errors import ReconcileError
from podsim.api.reconcile import OUTCOMES, reconcile
from podsim.api.reconcile_table import outcome_rows
from podsim.api.store import API_EMAIL, API_NAME, commits_with_write_id, write_record

TRACKING = f"refs/remotes/origin/{BRANCH}"


def local_write(rig: Rig, slug: str, write_id: str, **fields: object) -> str:
    commit = write_record(rig.ctx(), "people", {"slug": slug, **fields}, write_id, slug)
    assert commit is not None
    return commit


def importer(rig: Rig, path: str = "people/zed.toml", text: str = 'slug = "zed"\n') -> str:
    return rig.commit_on(rig.origin, {path: text}, "importer merge")


def test_in_sync(rig: Rig) -> None:
    tip = rig.tip(rig.pod)
    result = reconcile(rig.ctx(), BRANCH)
    assert (result.outcome, result.old_commit, result.new_commit) == ("in-sync", tip, tip)
    assert rig.tip(rig.pod, TRACKING) == tip
    assert rig.git(rig.pod, "config", "user.name") == API_NAME
    assert rig.git(rig.pod, "config", "user.email") == API_EMAIL


def test_fast_forwarded(rig: Rig) -> None:
    old = rig.tip(rig.pod)
    importer(rig)
    remote = importer(rig, "people/yan.toml", 'slug = "yan"\n')
    result = reconcile(rig.ctx(), BRANCH)
    assert (result.outcome, result.old_commit, result.new_commit, result.behind) == (
        "fast-forwarded", old, remote, 2)
    assert rig.tip(rig.pod) == remote and rig.tip(rig.pod, TRACKING) == remote


def test_pushed_ahead_leaves_a_stale_tracking_ref(rig: Rig) -> None:
    before = rig.tip(rig.origin)
    rig.git(rig.pod, "fetch", "origin", f"+refs/heads/{BRANCH}:{TRACKING}")
    local = local_write(rig, "bo", "w-1")
    result = reconcile(rig.ctx(), BRANCH)
    assert (result.outcome, result.new_commit, result.ahead) == ("pushed-ahead", local, 1)
    assert rig.tip(rig.origin) == local
    assert rig.tip(rig.pod, TRACKING) == before


def test_pushed_ahead_with_a_rejected_push_only_warns(rig: Rig) -> None:
    local_write(rig, "bo", "w-1")
    rig.reject_pushes()
    result = reconcile(rig.ctx(), BRANCH)
    assert result.outcome == "pushed-ahead"
    assert "data-repo push failed during reconcile; push-daemon will retry" in rig.log_msgs()
    assert rig.tip(rig.origin) != rig.tip(rig.pod)


def test_rebased_keeps_authors_and_rewrites_the_committer(rig: Rig) -> None:
    first = local_write(rig, "bo", "w-1")
    local_write(rig, "cy", "w-2")
    remote = importer(rig)
    rig.clock.move_to(3723.4)
    result = reconcile(rig.ctx(), BRANCH)
    assert (result.outcome, result.ahead, result.behind) == ("rebased", 2, 1)
    new = result.new_commit
    assert rig.tip(rig.pod) == new == rig.tip(rig.origin)
    assert rig.git(rig.pod, "rev-parse", f"{new}~2") == remote
    assert rig.tip(rig.pod, TRACKING) == remote  # the pre-push remote tip
    replayed = commits_with_write_id(rig.ctx(), BRANCH, "w-1")
    assert len(replayed) == 1 and replayed[0] != first
    fmt = "%an <%ae>|%aI|%cn <%ce>|%cI|%B"
    before = rig.git(rig.pod, "log", "-1", f"--format={fmt}", first).split("|")
    after = rig.git(rig.pod, "log", "-1", f"--format={fmt}", replayed[0]).split("|")
    assert after[:2] == before[:2]  # author and author date kept
    assert after[2:4] == [f"{API_NAME} <{API_EMAIL}>", "2026-08-15T13:02:03+00:00"]
    assert after[4] == before[4]  # message and Write-Id trailer kept
    for path in ("people/bo.toml", "people/cy.toml", "people/zed.toml"):
        rig.git(rig.pod, "cat-file", "-e", f"{new}:{path}")
    assert rig.git(rig.pod, "branch", "--contains", first) == ""  # originals unreferenced


def test_rebased_merges_edits_to_different_lines_of_one_record(rig: Rig) -> None:
    path = "people/ada-chen.toml"
    seed = rig.git(rig.origin, "show", f"{BRANCH}:{path}") + "\n"
    rig.commit_on(rig.pod, {path: seed + 'a = "local"\n'}, "local edit")
    importer(rig, path, 'z = "remote"\n' + seed)
    result = reconcile(rig.ctx(), BRANCH)
    assert result.outcome == "rebased"
    merged = rig.git(rig.pod, "show", f"{BRANCH}:{path}")
    assert merged.startswith('z = "remote"') and merged.endswith('a = "local"')


def test_old_git_escapes_every_divergence(rig: Rig) -> None:
    rig.configure(git_version=(2, 39))
    local = local_write(rig, "bo", "w-1")
    remote = importer(rig)
    rig.clock.move_to(3723.4)
    result = reconcile(rig.ctx(), BRANCH)
    assert (result.outcome, result.conflict_branch) == (
        "conflict-escaped", "conflicts/2026-08-15T13-02-03Z")
    assert rig.tip(rig.pod) == remote == result.new_commit
    assert rig.tip(rig.pod, "refs/heads/conflicts/2026-08-15T13-02-03Z") == local
    assert rig.tip(rig.origin, "refs/heads/conflicts/2026-08-15T13-02-03Z") == local
    assert rig.tip(rig.pod, TRACKING) == remote
    assert ("data-repo divergent commits preserved on remote — operator must investigate"
            in rig.log_msgs())
    assert any("unknown option `merge-base=" in line for line in rig.logs)


def test_content_conflict_escapes_with_new_git(rig: Rig) -> None:
    local_write(rig, "ada-chen", "w-1", email="local@example.org")
    importer(rig, "people/ada-chen.toml", 'slug = "ada-chen"\nemail = "remote@example.org"\n')
    result = reconcile(rig.ctx(), BRANCH)
    assert result.outcome == "conflict-escaped"
    assert any("CONFLICT" in line for line in rig.logs)


def test_conflict_branch_push_failure_leaves_it_local_only(rig: Rig) -> None:
    rig.configure(git_version=(2, 39))
    local = local_write(rig, "bo", "w-1")
    importer(rig)
    rig.reject_pushes()
    result = reconcile(rig.ctx(), BRANCH)
    assert result.outcome == "conflict-escaped"
    name = f"refs/heads/{result.conflict_branch}"
    assert rig.tip(rig.pod, name) == local and rig.tip(rig.origin, name) == ""
    assert ("data-repo divergent commits preserved LOCALLY only (push failed) — operator must "
            "investigate") in rig.log_msgs()


def test_fetch_failed_changes_nothing_and_creates_no_tracking_ref(rig: Rig) -> None:
    local = local_write(rig, "bo", "w-1")
    rig.cut_network()
    result = reconcile(rig.ctx(), BRANCH)
    assert (result.outcome, result.old_commit, result.new_commit) == (
        "fetch-failed", local, local)
    assert rig.tip(rig.pod, TRACKING) == ""


def test_missing_remote_branch_is_fetch_failed_not_a_throw(rig: Rig) -> None:
    result = reconcile(rig.ctx(), "no-such-branch")
    assert result.outcome == "fetch-failed"
    assert "couldn't find remote ref" in (result.error or "")


def test_unrelated_history_throws(rig: Rig) -> None:
    local_write(rig, "bo", "w-1")
    tree = rig.git(rig.origin, "rev-parse", f"{BRANCH}^{{tree}}")
    orphan = git(rig.env, rig.origin, "commit-tree", tree, "-m", "orphan", extra=ident("X"))
    rig.git(rig.origin, "update-ref", f"refs/heads/{BRANCH}", orphan)
    with pytest.raises(ReconcileError, match="git merge-base HEAD origin/published"):
        reconcile(rig.ctx(), BRANCH)


def test_unborn_head_throws(rig: Rig) -> None:
    rig.git(rig.pod, "symbolic-ref", "HEAD", "refs/heads/unborn")
    # In a bare gitdir `git rev-parse HEAD` then prints "HEAD" (the file) and exits 0, so
    # the throw comes one step later, from merge-base.
    assert rig.git(rig.pod, "rev-parse", "HEAD") == "HEAD"
    with pytest.raises(ReconcileError, match="merge-base HEAD"):
        reconcile(rig.ctx(), BRANCH)


def test_fast_forward_cas_failure_throws(rig: Rig) -> None:
    importer(rig)

    def concurrent_write(point: str) -> None:
        assert point == "before-ff-cas"
        local_write(rig, "bo", "w-race")

    with pytest.raises(ReconcileError, match="cannot lock ref"):
        reconcile(rig.ctx(), BRANCH, interleave=concurrent_write)
    assert commits_with_write_id(rig.ctx(), BRANCH, "w-race")  # the write survived


def test_rebase_cas_failure_escapes_then_throws(rig: Rig) -> None:
    local = local_write(rig, "bo", "w-1")
    importer(rig)

    def concurrent_write(point: str) -> None:
        assert point == "before-rebase-cas"
        local_write(rig, "cy", "w-race")

    with pytest.raises(ReconcileError, match="cannot lock ref"):
        reconcile(rig.ctx(), BRANCH, interleave=concurrent_write)
    assert rig.tip(rig.pod, "refs/heads/conflicts/2026-08-15T12-00-00Z") == local
    assert rig.tip(rig.origin, "refs/heads/conflicts/2026-08-15T12-00-00Z") == local


def test_failing_to_create_the_conflict_ref_throws(rig: Rig) -> None:
    rig.configure(git_version=(2, 39))
    local_write(rig, "bo", "w-1")
    importer(rig)
    rig.git(rig.pod, "update-ref", "refs/heads/conflicts", rig.tip(rig.pod))  # D/F clash
    with pytest.raises(ReconcileError, match="escape hatch: failed to create conflicts/"):
        reconcile(rig.ctx(), BRANCH)


def test_outcome_table_has_one_row_per_outcome_in_model_order() -> None:
    rows = outcome_rows()
    assert [row["outcome"] for row in rows] == list(OUTCOMES)
    assert {row["boot log"] for row in rows if row["outcome"] == "conflict-escaped"} == {"error"}
