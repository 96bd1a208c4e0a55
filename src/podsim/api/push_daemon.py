"""The gitsheets v1.4.1 push daemon, event-driven over virtual time (push-daemon.ts;
docs/reference/sources.md#push-daemon).

No per-commit queue: two counters, one push in flight, coalescing, deterministic backoff.
Every `await` of the original is a timer here; all state is a JSON-able dict in
`ctx.state["push_daemon"]`, so a saved world resumes it. A timer carries a token and is
ignored unless the state still expects that token: that is how `clearTimeout` is modelled
(the cluster may still deliver it). A push takes `durations.push_s` (ssh's whole wait if
origin black-holes): the branch tip is read when the attempt starts (what production's
`git push <remote> <branch>` would ship) and `git push <remote> <tip>:refs/heads/<branch>`
runs when the timer fires, so a container that dies mid-push never pushes and later
commits are not smuggled in.
"""

import re
from datetime import datetime
from typing import Any

from podsim.api.backoff import STOP_TIMEOUT_S
from podsim.api.context import ProcessContext
from podsim.api.daemon_events import emit

STATE_KEY = "push_daemon"
NFF = "non-fast-forward"
UNKNOWN = "unknown"

# Timer kinds this module schedules; the process routes them back to `handle`.
BACKLOG = "push-daemon.backlog"
BACKLOG_FETCHED = "push-daemon.backlog-fetched"
PUSH_DONE = "push-daemon.push"
RETRY = "push-daemon.retry"
STOP_TIMEOUT = "push-daemon.stop-timeout"
TIMER_KINDS = (BACKLOG, BACKLOG_FETCHED, PUSH_DONE, RETRY, STOP_TIMEOUT)

_REJECTED = re.compile(r"!\s*\[rejected\]")
_NFF_WORDS = re.compile(r"(non-fast-forward|fetch first)", re.IGNORECASE)
_ANY_REJECTED = re.compile(r"!\s*\[(remote )?rejected\]")


def classify(stderr: str, any_rejection_is_nff: bool = False) -> str:
    """gitsheets' classifyPushFailure: only a plain `[rejected]` NFF is non-fast-forward.
    `any_rejection_is_nff` models the drift that takes every refusal for one."""
    if any_rejection_is_nff and _ANY_REJECTED.search(stderr):
        return NFF
    return NFF if _REJECTED.search(stderr) and _NFF_WORDS.search(stderr) else UNKNOWN


def iso(when: datetime) -> str:
    """JavaScript's Date.toISOString() for a UTC moment."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def start(ctx: ProcessContext, remote: str, branch: str) -> None:
    """startPushDaemon: fresh counters and backoff, backlog check on the next tick."""
    if ctx.state.get(STATE_KEY, {}).get("running"):
        raise RuntimeError("TransactionError: push_daemon_running")
    ctx.state[STATE_KEY] = {
        "remote": remote,
        "branch": branch,
        "running": True,
        "pending_counter": 0,
        "last_pushed_counter": 0,
        "last_commit": None,
        "last_push_at": None,
        "last_error": None,
        "current_attempt": None,
        "current_backoff_ms": None,
        "in_flight": False,
        "batch": None,  # {counter_at_start, commit, attempt} of the running pushWithBackoff
        "timers": {},  # timer kind -> token it must carry to count
        "next_token": 0,
        "stop": None,  # {started_at, resolved_at} once stop() ran
    }
    _set_timer(ctx, BACKLOG, 0.0)
    ctx.record("push-daemon.start", f"{remote}/{branch}")


def notify_commit(ctx: ProcessContext, commit: str) -> None:
    """The post-commit hook of transact(): count it, remember it, drain."""
    d = ctx.state.get(STATE_KEY)
    if not d or not d["running"]:
        return
    d["pending_counter"] += 1
    d["last_commit"] = commit
    _drain(ctx)


def status(ctx: ProcessContext) -> dict[str, Any]:
    """status() exactly as coded: no I/O, counters not unpushed commits."""
    d = ctx.state[STATE_KEY]
    return {
        "running": d["running"],
        "lastPushAt": d["last_push_at"],
        "lastError": d["last_error"],
        "pendingCommits": max(0, d["pending_counter"] - d["last_pushed_counter"]),
        "currentBackoffMs": d["current_backoff_ms"],
        "currentAttempt": d["current_attempt"],
    }


def stop(ctx: ProcessContext, timeout_s: float = STOP_TIMEOUT_S) -> float:
    """stop(): seconds until it resolves, as known now (0 when idle or already stopped).

    A backoff sleep is cancelled, so stop waits out its whole timeout; a running push is
    awaited (the value assumes it ends the batch; an `unknown` failure would add a sleep).
    """
    d = ctx.state.get(STATE_KEY)
    if not d or not d["running"]:
        return 0.0
    d["running"] = False
    d["timers"].pop(RETRY, None)  # clearTimeout(pendingTimer): that retry never happens
    d["stop"] = {"started_at": ctx.now, "resolved_at": None}
    if not d["in_flight"]:
        _resolve_stop(ctx)
        return 0.0
    _set_timer(ctx, STOP_TIMEOUT, timeout_s)
    push_due = d["batch"]["push_due"]
    if push_due is not None:  # a push is running; stop resolves when it ends the batch
        return min(float(push_due) - ctx.now, timeout_s)
    return timeout_s  # sleeping in backoff: that sleep is cancelled, stop waits it out


def handle(ctx: ProcessContext, kind: str, data: dict[str, Any]) -> None:
    """A timer fired; stale tokens (cleared timers) are ignored."""
    d = ctx.state.get(STATE_KEY)
    if not d or d["timers"].get(kind) != data.get("token"):
        return
    del d["timers"][kind]
    if kind == BACKLOG:
        if d["running"]:  # the startup fetch runs; its result is read when it ends
            _set_timer(ctx, BACKLOG_FETCHED, ctx.network_s(ctx.settings.durations.fetch_s))
    elif kind == BACKLOG_FETCHED:
        _check_startup_backlog(ctx)
    elif kind == PUSH_DONE:
        _finish_attempt(ctx)
    elif kind == RETRY:
        _attempt(ctx)  # the sleep ended; the while(running) check is inside
    elif kind == STOP_TIMEOUT:
        _resolve_stop(ctx)
    else:
        raise ValueError(f"unknown push-daemon timer {kind!r}")


# -- the batch loop --------------------------------------------------------------------
def _drain(ctx: ProcessContext) -> None:
    d = ctx.state[STATE_KEY]
    if d["in_flight"] or not d["running"]:
        return
    if d["pending_counter"] <= d["last_pushed_counter"]:
        return
    d["in_flight"] = True
    d["batch"] = {"counter_at_start": d["pending_counter"], "commit": d["last_commit"],
                  "attempt": 0, "push_due": None}
    _attempt(ctx)


def _attempt(ctx: ProcessContext) -> None:
    d = ctx.state[STATE_KEY]
    batch = d["batch"]
    if not d["running"]:
        _end_batch(ctx)  # pushWithBackoff returns without touching lastPushedCounter
        return
    batch["attempt"] += 1
    d["current_attempt"] = batch["attempt"]
    d["current_backoff_ms"] = None
    took = ctx.network_s(ctx.settings.durations.push_s)
    batch["push_due"] = ctx.now + took
    # `git push` ships the branch tip as of its start; its effect lands when it finishes.
    batch["tip"] = ctx.ref(d["branch"])
    _set_timer(ctx, PUSH_DONE, took)
    ctx.record("push-daemon.attempt", f"attempt {batch['attempt']}",
               attempt=batch["attempt"], commit=batch["commit"])


def _finish_attempt(ctx: ProcessContext) -> None:
    d = ctx.state[STATE_KEY]
    batch, attempt = d["batch"], d["batch"]["attempt"]
    batch["push_due"] = None
    remote, branch = d["remote"], d["branch"]
    tip = batch["tip"]
    now_tip = ctx.ref(branch)
    # Usually the tip has not moved, so push exactly what production runs (and gets its
    # real output shape); if a write landed mid-push, ship only what the push started with.
    refspec = branch if not tip or tip == now_tip else f"{tip}:refs/heads/{branch}"
    result = ctx.git("push", remote, refspec, check=False)
    if result.returncode == 0:
        d["last_pushed_counter"] = batch["counter_at_start"]
        d["last_push_at"] = iso(ctx.utc())
        ctx.record("origin.accept", f"{branch} at {tip[:7]}", branch=branch, tip=tip)
        emit(ctx, "push", commit=batch["commit"],
              durationMs=round(ctx.settings.durations.push_s * 1000))
        _end_batch(ctx)
        return
    message = f"Command failed: git push {remote} {branch}\n{result.stderr}"
    reason = classify(result.stderr, ctx.settings.any_rejection_is_nff)
    ctx.record("origin.reject", reason, stderr=result.stderr.strip())
    d["last_error"] = {"message": message, "at": iso(ctx.utc()), "attempt": attempt,
                       "reason": reason}
    emit(ctx, "error", commit=batch["commit"], err=message, attempt=attempt, reason=reason)
    if (reason == NFF and ctx.settings.nff_terminal) or attempt >= ctx.settings.max_attempts:
        d["last_pushed_counter"] = batch["counter_at_start"]
        _end_batch(ctx)
        return
    delay = ctx.settings.backoff.delay_after(attempt)
    d["current_backoff_ms"] = round(delay * 1000)
    emit(ctx, "retry", commit=batch["commit"], attempt=attempt,
          nextDelayMs=d["current_backoff_ms"], reason=reason)
    _set_timer(ctx, RETRY, delay)


def _end_batch(ctx: ProcessContext) -> None:
    """drain()'s finally: idle again; resolve a waiting stop() or chain the next batch."""
    d = ctx.state[STATE_KEY]
    d["in_flight"] = False
    d["batch"] = None
    d["current_attempt"] = None
    d["current_backoff_ms"] = None
    if d["stop"] is not None:
        _resolve_stop(ctx)
    elif d["running"] and d["pending_counter"] > d["last_pushed_counter"]:
        _drain(ctx)


def _resolve_stop(ctx: ProcessContext) -> None:
    d = ctx.state[STATE_KEY]
    if d["stop"]["resolved_at"] is not None:
        return
    d["stop"]["resolved_at"] = ctx.now
    d["timers"].pop(STOP_TIMEOUT, None)
    emit(ctx, "stopped")


def _check_startup_backlog(ctx: ProcessContext) -> None:
    d = ctx.state[STATE_KEY]
    if not d["running"]:
        return
    remote, branch = d["remote"], d["branch"]
    fetched = ctx.git("fetch", remote, branch, check=False)
    if fetched.returncode != 0:
        message = f"Command failed: git fetch {remote} {branch}\n{fetched.stderr}"
        reason = classify(fetched.stderr, ctx.settings.any_rejection_is_nff)
        d["last_error"] = {"message": message, "at": iso(ctx.utc()), "attempt": 0,
                           "reason": reason}
        emit(ctx, "error", commit=None, err=message, attempt=0, reason=reason)
    counted = ctx.git("rev-list", "--count", f"{remote}/{branch}..{branch}", check=False)
    if counted.returncode != 0:
        ctx.record("push-daemon.backlog", "no tracking ref: nothing counted")
        return
    ahead = int(counted.stdout.strip())
    ctx.record("push-daemon.backlog", f"{ahead} ahead of {remote}/{branch}",
               ahead=ahead)
    if ahead > 0:
        d["pending_counter"] += ahead
        d["last_commit"] = ctx.rev_parse(branch)
        _drain(ctx)


# -- timers ---------------------------------------------------------------------------------
def _set_timer(ctx: ProcessContext, kind: str, delay: float) -> None:
    d = ctx.state[STATE_KEY]
    d["next_token"] += 1
    d["timers"][kind] = d["next_token"]
    ctx.schedule(delay, kind, token=d["next_token"])
