"""The boot / hot-reload reconcile state machine of codeforphilly (upstream: codeforphilly
apps/api/src/store/reconcile.ts; docs/reference/sources.md#reconcile).

Six outcomes: in-sync, fast-forwarded, pushed-ahead, rebased, conflict-escaped and
fetch-failed, each leaving the refs the sources page lists (the tracking ref is only ever set
by this module's explicit-refspec fetch, so it goes stale after a push). Replays keep
authors, rewrite the committer to the API identity with the virtual date, and go through
`replay.merge_tree`, which honours the modelled git version.

`interleave`, when given, is called at the named points where production awaits between
reading and swapping the branch ref ("before-ff-cas", "before-rebase-cas"): a scenario
uses it to land a concurrent request write there and watch the compare-and-swap fail.
"""

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from podsim.api.context import ProcessContext
from podsim.api.errors import ReconcileError
from podsim.api.replay import merge_tree
from podsim.api.store import API_EMAIL, API_NAME, git_date

OUTCOMES = ("in-sync", "fast-forwarded", "pushed-ahead", "rebased", "conflict-escaped",
            "fetch-failed")

Interleave = Callable[[str], None]


@dataclass(frozen=True)
class ReconcileResult:
    outcome: str
    old_commit: str
    new_commit: str
    ahead: int | None = None
    behind: int | None = None
    conflict_branch: str | None = None
    error: str | None = None  # why the fetch failed

    def to_dict(self) -> dict[str, Any]:
        """Production's result object (camelCase), without the fields an outcome lacks."""
        raw = {"outcome": self.outcome, "oldCommit": self.old_commit,
               "newCommit": self.new_commit, "ahead": self.ahead, "behind": self.behind,
               "conflictBranch": self.conflict_branch, "err": self.error}
        return {key: value for key, value in raw.items() if value is not None}


def conflict_branch_name(ctx: ProcessContext) -> str:
    """`conflicts/YYYY-MM-DDTHH-MM-SSZ` from virtual UTC now (1 s resolution)."""
    return "conflicts/" + ctx.utc().strftime("%Y-%m-%dT%H-%M-%SZ")


def reconcile(
    ctx: ProcessContext, branch: str, interleave: Interleave | None = None
) -> ReconcileResult:
    """reconcileDataRepo(): bring refs/heads/<branch> and origin together, or throw."""
    point = interleave or (lambda _name: None)
    remote, ref = ctx.config.remote, f"refs/heads/{branch}"
    tracking = f"{remote}/{branch}"
    _git(ctx, "config", "user.name", API_NAME)
    _git(ctx, "config", "user.email", API_EMAIL)
    old = _git(ctx, "rev-parse", "HEAD")
    refspec = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    fetched = ctx.git("fetch", "--prune", remote, refspec, check=False)
    if fetched.returncode != 0:
        err = f"Command failed: git fetch --prune {remote} {refspec}\n{fetched.stderr}"
        return _done(ctx, ReconcileResult("fetch-failed", old, old, error=err))
    remote_tip = _git(ctx, "rev-parse", tracking)
    if old == remote_tip:
        return _done(ctx, ReconcileResult("in-sync", old, old))
    base = _git(ctx, "merge-base", "HEAD", tracking)
    if old == base:
        behind = int(_git(ctx, "rev-list", "--count", f"HEAD..{tracking}"))
        point("before-ff-cas")
        _git(ctx, "update-ref", ref, remote_tip, old)  # CAS; not caught: a moved ref throws
        return _done(ctx, ReconcileResult("fast-forwarded", old, remote_tip, behind=behind))
    if remote_tip == base:
        ahead = int(_git(ctx, "rev-list", "--count", f"{tracking}..HEAD"))
        if not _push(ctx, branch):
            ctx.log("warn", "data-repo push failed during reconcile; push-daemon will retry")
        return _done(ctx, ReconcileResult("pushed-ahead", old, old, ahead=ahead))
    ahead = int(_git(ctx, "rev-list", "--count", f"{tracking}..HEAD"))
    behind = int(_git(ctx, "rev-list", "--count", f"HEAD..{tracking}"))
    ctx.log("info", "attempting rebase", ahead=ahead, behind=behind)
    try:
        new_tip = _replay(ctx, base, old, remote_tip)
        point("before-rebase-cas")
        _git(ctx, "update-ref", ref, new_tip, old)
    except Exception as err:  # production sends every replay or CAS error to the hatch
        return _done(ctx, _escape(ctx, branch, old, remote_tip, ahead, behind, str(err)))
    ctx.log("info", "rebase clean — pushing", newCommit=new_tip)
    if not _push(ctx, branch):
        ctx.log("warn", "push after rebase failed; push-daemon will retry")
    return _done(ctx, ReconcileResult("rebased", old, new_tip, ahead=ahead, behind=behind))


def _replay(ctx: ProcessContext, base: str, old: str, remote_tip: str) -> str:
    """Replay base..old onto remote_tip, oldest first; the new tip."""
    tip = remote_tip
    for commit in _git(ctx, "rev-list", "--reverse", f"{base}..{old}").split():
        parent = _git(ctx, "rev-parse", f"{commit}^")
        tree = merge_tree(ctx, parent, tip, commit)
        shown = _git(ctx, "show", "-s", "--format=%an%x00%ae%x00%aI%x00%B", commit, strip=False)
        name, email, date, message = shown.split("\0", 3)
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
               "GIT_COMMITTER_NAME": API_NAME, "GIT_COMMITTER_EMAIL": API_EMAIL,
               "GIT_COMMITTER_DATE": git_date(ctx)}
        body = message.rstrip("\n") + "\n"
        made = ctx.git("commit-tree", tree, "-p", tip, "-F", "-", env=env, stdin=body)
        tip = made.stdout.strip()
        ctx.record("reconcile.replay", f"{commit[:7]} -> {tip[:7]}", old=commit, new=tip)
    return tip


def _escape(ctx: ProcessContext, branch: str, old: str, remote_tip: str, ahead: int,
            behind: int, reason: str) -> ReconcileResult:
    """The escape hatch: park L on conflicts/<ts>, push it once, reset the branch to R."""
    name = conflict_branch_name(ctx)
    created = ctx.git("update-ref", f"refs/heads/{name}", old, check=False)
    if created.returncode != 0:
        raise ReconcileError(f"data-repo escape hatch: failed to create {name} from {old}: "
                             f"{created.stderr.strip()}")
    if _push(ctx, name):
        ctx.log("error", "data-repo divergent commits preserved on remote — operator must "
                "investigate", conflictBranch=name, err=reason)
    else:
        ctx.log("error", "data-repo divergent commits preserved LOCALLY only (push failed) — "
                "operator must investigate", conflictBranch=name, err=reason)
    _git(ctx, "update-ref", f"refs/heads/{branch}", remote_tip, old)  # CAS; throws if moved
    return ReconcileResult("conflict-escaped", old, remote_tip, ahead=ahead, behind=behind,
                           conflict_branch=name)


def _push(ctx: ProcessContext, name: str) -> bool:
    remote = ctx.config.remote
    result = ctx.git("push", remote, name, check=False)
    if result.returncode == 0:
        ctx.record("origin.accept", f"{name} (reconcile push)", branch=name)
        return True
    ctx.record("origin.reject", f"{name} (reconcile push)", stderr=result.stderr.strip())
    return False


def _done(ctx: ProcessContext, result: ReconcileResult) -> ReconcileResult:
    ctx.record("reconcile.outcome", result.outcome, **result.to_dict())
    return result


def _git(ctx: ProcessContext, *args: str, strip: bool = True) -> str:
    """Run git; a failure throws ReconcileError with node's execFile message shape."""
    try:
        out = ctx.git(*args).stdout
    except subprocess.CalledProcessError as err:
        raise ReconcileError(f"Command failed: git {' '.join(args)}\n{err.stderr}") from err
    return out.strip() if strip else out
