"""The boot / hot-reload reconcile state machine of codeforphilly (upstream: codeforphilly
apps/api/src/store/reconcile.ts; docs/reference/sources.md#reconcile).

Six outcomes: in-sync, fast-forwarded, pushed-ahead, rebased, conflict-escaped and
fetch-failed, each leaving the refs the sources page lists (the tracking ref is only ever set
by this module's explicit-refspec fetch, so it goes stale after a push). Replays keep
authors, rewrite the committer to the API identity with the virtual date, and go through
`replay.merge_tree`, which honours the modelled git version. Every line upstream logs to
the logger it is given is logged here with its level and keys, so the boot and the webhook
paths log the same. The result carries `took_s`, the virtual time the run costs (one
`git_step_s` per local command, the fetch and push figures, or ssh's whole wait when origin
black-holes; podsim.durations).

`interleave`, when given, is called at the named points where production awaits between
reading and swapping the branch ref ("before-ff-cas", "before-rebase-cas"): a scenario
uses it to land a concurrent request write there and watch the compare-and-swap fail.
"""

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from podsim import gitrefs
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
    # Virtual time the run cost, in all and after its fetch (not in production's result).
    took_s: float = 0.0
    after_fetch_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Production's result object (camelCase), without the fields an outcome lacks."""
        raw = {"outcome": self.outcome, "oldCommit": self.old_commit,
               "newCommit": self.new_commit, "ahead": self.ahead, "behind": self.behind,
               "conflictBranch": self.conflict_branch, "err": self.error}
        return {key: value for key, value in raw.items() if value is not None}


def conflict_branch_name(ctx: ProcessContext) -> str:
    """`conflicts/YYYY-MM-DDTHH-MM-SSZ` from virtual UTC now (1 s resolution)."""
    return "conflicts/" + ctx.utc().strftime("%Y-%m-%dT%H-%M-%SZ")


class _Tally:
    """The virtual time a reconcile run costs: its local git steps and network operations."""

    def __init__(self, ctx: ProcessContext) -> None:
        self.ctx = ctx
        self.seconds = 0.0
        self.fetched_at = 0.0  # where the fetch ended

    def step(self) -> None:
        self.seconds += self.ctx.settings.durations.git_step_s

    def network(self, figure_s: float) -> None:
        self.seconds += self.ctx.network_s(figure_s)


def fetch_phase_s(ctx: ProcessContext) -> float:
    """Virtual time from reconcile's start to the end of its fetch (config, rev-parse, fetch)."""
    return 3 * ctx.settings.durations.git_step_s + ctx.network_s(ctx.settings.durations.fetch_s)


def reconcile(
    ctx: ProcessContext, branch: str, interleave: Interleave | None = None
) -> ReconcileResult:
    """reconcileDataRepo(): bring refs/heads/<branch> and origin together, or throw.

    Logs upstream's lines (level, message, keys) to the process log on every path.
    """
    point = interleave or (lambda _name: None)
    tally = _Tally(ctx)
    remote, ref = ctx.config.remote, f"refs/heads/{branch}"
    tracking = f"{remote}/{branch}"
    _git(tally, "config", "user.name", API_NAME)
    _git(tally, "config", "user.email", API_EMAIL)
    old = _rev_parse(tally, "HEAD")
    refspec = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    tally.network(ctx.settings.durations.fetch_s)
    tally.fetched_at = tally.seconds
    fetched = ctx.git("fetch", "--prune", remote, refspec, check=False)
    if fetched.returncode != 0:
        err = f"Command failed: git fetch --prune {remote} {refspec}\n{fetched.stderr}"
        ctx.log("warn", "data-repo fetch failed; continuing with local state", err=err,
                remote=remote, branch=branch)
        return _done(ctx, tally, ReconcileResult("fetch-failed", old, old, error=err))
    remote_tip = _rev_parse(tally, tracking)
    if old == remote_tip:
        ctx.log("info", "data-repo in sync with remote", branch=branch, commit=old)
        return _done(ctx, tally, ReconcileResult("in-sync", old, old))
    base = _git(tally, "merge-base", "HEAD", tracking)
    if old == base:
        behind = int(_git(tally, "rev-list", "--count", f"HEAD..{tracking}"))
        ctx.log("info", "data-repo behind remote — fast-forwarding", branch=branch,
                behind=behind, **{"from": old, "to": remote_tip})
        point("before-ff-cas")
        _git(tally, "update-ref", ref, remote_tip, old)  # CAS; not caught: a moved ref throws
        return _done(ctx, tally, ReconcileResult("fast-forwarded", old, remote_tip,
                                                 behind=behind))
    if remote_tip == base:
        ahead = int(_git(tally, "rev-list", "--count", f"{tracking}..HEAD"))
        ctx.log("info", "data-repo ahead of remote — pushing", branch=branch, ahead=ahead,
                **{"from": remote_tip, "to": old})
        if ctx.settings.ahead_push:  # off only under a drift (podsim.drifts)
            _push_logged(tally, branch, old, "data-repo push succeeded",
                         "data-repo push failed during reconcile; push-daemon will retry")
        return _done(ctx, tally, ReconcileResult("pushed-ahead", old, old, ahead=ahead))
    ahead = int(_git(tally, "rev-list", "--count", f"{tracking}..HEAD"))
    behind = int(_git(tally, "rev-list", "--count", f"HEAD..{tracking}"))
    ctx.log("info", "data-repo diverged from remote — attempting rebase", branch=branch,
            ahead=ahead, behind=behind, local=old, remote=remote_tip)
    try:
        new_tip = _replay(tally, base, old, remote_tip)
        point("before-rebase-cas")
        _git(tally, "update-ref", ref, new_tip, old)
    except Exception as err:  # production sends every replay or CAS error to the hatch
        ctx.log("error", "data-repo rebase conflicted — invoking escape hatch", err=str(err),
                branch=branch, ahead=ahead, behind=behind, local=old, remote=remote_tip)
        escaped = _escape(tally, branch, old, remote_tip, ahead, behind)
        return _done(ctx, tally, escaped)
    ctx.log("info", "data-repo rebase clean — pushing", branch=branch, ahead=ahead,
            behind=behind, **{"from": old, "to": new_tip})
    _push_logged(tally, branch, new_tip, "data-repo push succeeded after rebase",
                 "data-repo push after rebase failed; push-daemon will retry")
    return _done(ctx, tally, ReconcileResult("rebased", old, new_tip, ahead=ahead,
                                             behind=behind))


def _replay(tally: _Tally, base: str, old: str, remote_tip: str) -> str:
    """Replay base..old onto remote_tip, oldest first; the new tip."""
    ctx, tip = tally.ctx, remote_tip
    for commit in _git(tally, "rev-list", "--reverse", f"{base}..{old}").split():
        parent = _git(tally, "rev-parse", f"{commit}^")
        tally.step()
        tree = merge_tree(ctx, parent, tip, commit)
        shown = _git(tally, "show", "-s", "--format=%an%x00%ae%x00%aI%x00%B", commit,
                     strip=False)
        name, email, date, message = shown.split("\0", 3)
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
               "GIT_COMMITTER_NAME": API_NAME, "GIT_COMMITTER_EMAIL": API_EMAIL,
               "GIT_COMMITTER_DATE": git_date(ctx)}
        body = message.rstrip("\n") + "\n"
        tally.step()
        made = ctx.git("commit-tree", tree, "-p", tip, "-F", "-", env=env, stdin=body)
        tip = made.stdout.strip()
        ctx.record("reconcile.replay", f"{commit[:7]} -> {tip[:7]}", old=commit, new=tip)
    return tip


def _escape(tally: _Tally, branch: str, old: str, remote_tip: str, ahead: int,
            behind: int) -> ReconcileResult:
    """The escape hatch: park L on conflicts/<ts>, push it once, reset the branch to R."""
    ctx = tally.ctx
    name = conflict_branch_name(ctx)
    tally.step()
    created = ctx.git("update-ref", f"refs/heads/{name}", old, check=False)
    if created.returncode != 0:
        raise ReconcileError(f"data-repo escape hatch: failed to create {name} from {old}: "
                             f"{created.stderr.strip()}")
    pushed = _push(tally, name) if ctx.settings.conflict_branch_push else "push skipped"
    if pushed is None:
        ctx.log("error", "data-repo divergent commits preserved on remote — operator must "
                "investigate", branch=branch, conflictBranch=name, preservedCommit=old)
    else:
        ctx.log("error", "data-repo divergent commits preserved LOCALLY only (push failed) — "
                "operator must investigate", err=pushed, branch=branch, conflictBranch=name,
                preservedCommit=old)
    _git(tally, "update-ref", f"refs/heads/{branch}", remote_tip, old)  # CAS; throws if moved
    return ReconcileResult("conflict-escaped", old, remote_tip, ahead=ahead, behind=behind,
                           conflict_branch=name)


def _push_logged(tally: _Tally, branch: str, commit: str, succeeded: str, failed: str) -> None:
    """Push the branch and log upstream's line for the outcome; a failure is left to the
    push daemon, so reconcile's outcome stands either way."""
    pushed = _push(tally, branch)
    if pushed is None:
        tally.ctx.log("info", succeeded, branch=branch, commit=commit)
    else:
        tally.ctx.log("warn", failed, err=pushed, branch=branch)


def _push(tally: _Tally, name: str) -> str | None:
    """`git push <remote> <name>`: None when origin took it, else execFile's error message."""
    ctx, remote = tally.ctx, tally.ctx.config.remote
    tally.network(ctx.settings.durations.push_s)
    result = ctx.git("push", remote, name, check=False)
    if result.returncode == 0:
        ctx.record("origin.accept", f"{name} (reconcile push)", branch=name)
        return None
    ctx.record("origin.reject", f"{name} (reconcile push)", stderr=result.stderr.strip())
    return f"Command failed: git push {remote} {name}\n{result.stderr}"


def _done(ctx: ProcessContext, tally: _Tally, result: ReconcileResult) -> ReconcileResult:
    ctx.record("reconcile.outcome", result.outcome, **result.to_dict())
    return replace(result, took_s=tally.seconds,
                   after_fetch_s=tally.seconds - tally.fetched_at)


def _rev_parse(tally: _Tally, name: str) -> str:
    """`git rev-parse <name>` as one local step, from the ref files when they can say."""
    known = gitrefs.resolve(tally.ctx.gitdir, name)
    if known is None:
        return _git(tally, "rev-parse", name)
    tally.step()
    return known


def _git(tally: _Tally, *args: str, strip: bool = True) -> str:
    """Run one local git step; a failure throws ReconcileError with execFile's message shape."""
    tally.step()
    try:
        out = tally.ctx.git(*args).stdout
    except subprocess.CalledProcessError as err:
        raise ReconcileError(f"Command failed: git {' '.join(args)}\n{err.stderr}") from err
    return out.strip() if strip else out
