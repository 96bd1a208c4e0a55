"""The world's trace: every event with its virtual time, for timelines and diagrams.

Every kind of event is registered once in `KINDS` with the lane that records it and, for a
message, the lane that receives it. Recording or querying a kind that is not registered
raises, so a misspelled kind fails loudly instead of matching nothing.
"""

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

# Lanes of the sequence diagram in display order, with their participant labels; every
# trace entry belongs to exactly one.
LANES: dict[str, str] = {
    "operator": "Operator",
    "api": "API",
    "push-daemon": "Push daemon",
    "origin": "Origin",
    "kubelet": "Kubelet",
    "volume": "Volume (emptyDir)",
}


@dataclass(frozen=True)
class EventKind:
    """One kind of trace event: who records it and, for a message, who receives it."""

    name: str
    lane: str
    meaning: str
    to: str | None = None  # the receiving lane when the event is a message between lanes


def _registry(*kinds: EventKind) -> dict[str, EventKind]:
    registry: dict[str, EventKind] = {}
    for kind in kinds:
        for lane in (kind.lane, kind.to):
            if lane is not None and lane not in LANES:
                raise ValueError(f"trace kind {kind.name!r} names unknown lane {lane!r}; "
                                 f"lanes: {', '.join(LANES)}")
        if kind.name in registry:
            raise ValueError(f"trace kind {kind.name!r} is registered twice")
        registry[kind.name] = kind
    return registry


KINDS = _registry(
    # operator
    EventKind("pod.delete", "operator", "an operator deletes the pod", to="kubelet"),
    EventKind("rollout.restart", "operator", "an operator restarts the deployment",
              to="kubelet"),
    EventKind("signal.exec", "operator",
              "an operator signals a process in the container (kubectl exec ... kill)",
              to="api"),
    # kubelet and the control plane
    EventKind("pod.created", "kubelet", "a pod is scheduled onto a node"),
    EventKind("pod.unschedulable", "kubelet", "no Ready node can take a replacement pod"),
    EventKind("pod.evicted", "kubelet", "the pod is evicted (node pressure or unreachable)"),
    EventKind("pod.removed", "kubelet", "the pod object is gone"),
    EventKind("node.failed", "kubelet", "a node stops responding"),
    EventKind("node.not-ready", "kubelet", "a node is tainted unreachable"),
    EventKind("container.start", "kubelet", "the kubelet starts the container", to="api"),
    EventKind("container.exit", "kubelet", "the container exits, with reason and code"),
    EventKind("container.backoff", "kubelet", "CrashLoopBackOff delays the next start"),
    EventKind("entrypoint.exit", "kubelet", "deploy/docker/entrypoint.sh exits"),
    EventKind("probe.liveness-failed", "kubelet", "the liveness probe failed its threshold"),
    EventKind("signal.sigterm", "kubelet", "the kubelet sends SIGTERM", to="api"),
    EventKind("secret.refreshed", "kubelet",
              "the kubelet copies a changed Secret into the pod's volume"),
    # the volume
    EventKind("volume.created", "volume", "an emptyDir is created for a pod"),
    EventKind("volume.wiped", "volume", "an emptyDir is deleted with its pod"),
    # the API process
    EventKind("api.boot", "api", "the API process starts its plugins"),
    EventKind("api.boot-failed", "api", "the process could not start"),
    EventKind("api.fatal", "api", "boot fails with a fatal error"),
    EventKind("api.heap-abort", "api", "V8 runs out of heap and node aborts"),
    EventKind("api.load", "api", "records are loaded from the branch tip"),
    EventKind("api.listening", "api", "the API accepts requests"),
    EventKind("api.sigterm", "api", "the process receives SIGTERM"),
    EventKind("write", "api", "a write is committed; the hook notifies the daemon",
              to="push-daemon"),
    EventKind("reconcile.replay", "api", "reconcile replays a local commit onto origin's tip"),
    EventKind("reconcile.outcome", "api", "reconcile at boot ends in one outcome"),
    # the push daemon
    EventKind("push-daemon.start", "push-daemon", "the daemon starts"),
    EventKind("push-daemon.attempt", "push-daemon", "a push attempt", to="origin"),
    EventKind("push-daemon.push", "push-daemon", "the daemon reports a batch pushed"),
    EventKind("push-daemon.error", "push-daemon", "a push or the startup fetch failed"),
    EventKind("push-daemon.retry", "push-daemon", "an attempt failed; the next is scheduled"),
    EventKind("push-daemon.stopped", "push-daemon", "the daemon stops"),
    EventKind("push-daemon.backlog", "push-daemon", "commits not yet on origin are counted"),
    # origin
    EventKind("origin.accept", "origin", "origin accepts a push", to="push-daemon"),
    EventKind("origin.reject", "origin", "origin rejects a push", to="push-daemon"),
    # boot in virtual time (issue 10)
    EventKind("api.plugin-timeout", "api", "a plugin outlives Fastify's pluginTimeout"),
)


class UnknownTraceKind(ValueError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    def __str__(self) -> str:
        close = difflib.get_close_matches(self.kind, KINDS, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"unknown trace kind {self.kind!r}{hint} (registered in podsim.trace.KINDS)"


def event_kind(name: str) -> EventKind:
    """The registered kind `name`, or UnknownTraceKind naming close matches."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownTraceKind(name) from None


@dataclass
class TraceEntry:
    t: float
    kind: str
    lane: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def to(self) -> str | None:
        """The receiving lane when this entry is a message, else None."""
        return event_kind(self.kind).to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Trace:
    def __init__(self, entries: list[TraceEntry] | None = None) -> None:
        self.entries: list[TraceEntry] = entries or []

    def record(self, t: float, kind: str, detail: str = "", **data: Any) -> TraceEntry:
        """Append an event of registered `kind`, on the lane the registry gives it."""
        entry = TraceEntry(t, kind, event_kind(kind).lane, detail, data)
        self.entries.append(entry)
        return entry

    def kinds(self) -> list[str]:
        return [e.kind for e in self.entries]

    def of_kind(self, kind: str) -> list[TraceEntry]:
        """Entries of registered `kind`, in order; an unknown kind raises."""
        event_kind(kind)
        return [e for e in self.entries if e.kind == kind]

    def to_list(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.entries]

    @classmethod
    def from_list(cls, raw: list[dict[str, Any]]) -> "Trace":
        """A saved trace; an entry of an unknown kind or on the wrong lane raises."""
        entries = [TraceEntry(**item) for item in raw]
        for entry in entries:
            if entry.lane != event_kind(entry.kind).lane:
                raise ValueError(f"saved trace entry {entry.kind!r} at t={entry.t:g} is on lane "
                                 f"{entry.lane!r}; {entry.kind!r} belongs to "
                                 f"{event_kind(entry.kind).lane!r}")
        return cls(entries)

    def timeline(self) -> str:
        """Readable lines: virtual time, event kind, detail."""
        return "\n".join(f"{e.t:>10.3f}s  {e.kind:<24} {e.detail}".rstrip() for e in self.entries)
