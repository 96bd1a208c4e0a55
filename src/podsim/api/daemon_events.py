"""The push daemon's events and codeforphilly's listeners for them (gitsheets v1.4.1
push-daemon.ts; codeforphilly apps/api/src/plugins/push-daemon.ts).

gitsheets emits `push`, `retry`, `error` and `stopped`; the app's push-daemon plugin maps
them to log lines. Each event also becomes a trace entry on the push-daemon lane.
"""

from typing import Any

from podsim.api.context import ProcessContext


def emit(ctx: ProcessContext, event: str, **data: Any) -> None:
    """One daemon event: a trace entry, and the log line codeforphilly's listener writes."""
    ctx.record(f"push-daemon.{event}", _detail(event, data), **data)
    if event == "push":
        ctx.log("info", "pushed commit to origin", commit=data["commit"],
                durationMs=data["durationMs"])
    elif event == "retry":
        ctx.log("info", "push-daemon retrying", attempt=data["attempt"],
                nextDelayMs=data["nextDelayMs"])
    elif event == "error" and data["reason"] == "non-fast-forward":
        ctx.log("error", "push rejected non-fast-forward — manual reconciliation required",
                commit=data["commit"], err=data["err"], attempt=data["attempt"])
    elif event == "error":
        ctx.log("warn", "push attempt failed", err=data["err"], attempt=data["attempt"],
                reason=data["reason"])


def _detail(event: str, data: dict[str, Any]) -> str:
    if event == "retry":
        return f"attempt {data['attempt']} ({data['reason']}); next in {data['nextDelayMs']} ms"
    if event == "error":
        return f"attempt {data['attempt']}: {data['reason']}"
    if event == "push":
        return f"pushed (batch commit {str(data['commit'])[:7]})"
    return event
