"""Which Events a cluster records for a pod, rebuilt from the world's trace
(docs/reference/sources.md#kubectl); podsim.apiserver.events serves them as objects.

Wording follows kubelet/kubectl 1.35: container events carry the fieldPath prefix
`spec.containers{name}: `. Identical events (type, reason, source, message) aggregate into
one row with a count; rows expire an hour after their last occurrence (--event-ttl).
Not modelled: the kubelet's per-reason event rate limit, readiness-probe failures.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from podsim.manifest import Manifest
from podsim.state import Pod
from podsim.trace import TraceEntry

EVENT_TTL_S = 3600.0  # kube-apiserver --event-ttl default
PULL = "1.843s"  # a fixed, plausible pull time (Go duration) keeps the output deterministic
IMAGE_BYTES = 187_342_516
KUBELET, SCHEDULER = "kubelet", "default-scheduler"
TIMEOUT = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"


@dataclass(frozen=True)
class EventRow:
    type: str
    reason: str
    source: str
    message: str  # as kubectl prints it, fieldPath prefix included
    first: float
    last: float
    count: int = 1


# (t, type, reason, source, message)
_Occurrence = tuple[float, str, str, str, str]


def pod_events(pod: Pod, entries: Iterable[TraceEntry], manifest: Manifest,
               container: dict[str, Any], now: float) -> list[EventRow]:
    """The pod's live events, oldest last occurrence first (as describe lists them)."""
    seen = sorted((o for o in _occurrences(pod, entries, manifest, container) if o[0] <= now),
                  key=lambda o: o[0])
    current: dict[tuple[str, str, str, str], int] = {}
    rows: list[EventRow] = []
    order: list[int] = []  # when each row last happened, among events of the same instant
    for seq, (t, kind, reason, source, message) in enumerate(seen):
        key = (kind, reason, source, message)
        i = current.get(key)
        if i is not None and t - rows[i].last <= EVENT_TTL_S:
            rows[i], order[i] = replace(rows[i], last=t, count=rows[i].count + 1), seq
        else:  # first occurrence, or the earlier event object expired in between
            current[key] = len(rows)
            rows.append(EventRow(kind, reason, source, message, t, t))
            order.append(seq)
    live = [(row.last, seq, row) for row, seq in zip(rows, order, strict=True)
            if now - row.last <= EVENT_TTL_S]
    return [row for _, _, row in sorted(live, key=lambda item: item[:2])]


def _occurrences(pod: Pod, entries: Iterable[TraceEntry], m: Manifest,
                 container: dict[str, Any]) -> Iterator[_Occurrence]:
    name, image = m.container, m.image
    ref = f"spec.containers{{{name}}}: "
    created = running = liveness_kill = deleting = False
    for e in entries:
        if e.kind == "node.not-ready" and e.data.get("node") == pod.node:
            if created and not deleting:  # the node lifecycle controller marks pods NotReady
                yield e.t, "Warning", "NodeNotReady", "node-controller", "Node is not ready"
            continue
        if e.data.get("pod") != pod.name:
            continue
        if e.kind == "pod.created":
            created = True
            yield (e.t, "Normal", "Scheduled", SCHEDULER,
                   f"Successfully assigned {m.namespace}/{pod.name} to {pod.node}")
        elif e.kind == "container.start":
            running = True
            yield from _start(e.t, ref, name, image, _pull_policy(container, image))
        elif e.kind == "container.exit":
            running = False
        elif e.kind == "container.backoff":
            yield (e.t, "Warning", "BackOff", KUBELET,
                   f"{ref}Back-off restarting failed container {name} in pod "
                   f"{pod.name}_{m.namespace}({pod.uid})")
        elif e.kind == "probe.liveness-failed" and m.liveness is not None:
            probe, liveness_kill = m.liveness, True
            url = f"http://{pod.ip}:{_probe_port(container)}{probe.path}"
            for k in range(probe.failure_threshold - 1, -1, -1):
                yield (e.t - k * probe.period_s, "Warning", "Unhealthy", KUBELET,
                       f'{ref}Liveness probe failed: Get "{url}": {TIMEOUT}')
            yield (e.t, "Normal", "Killing", KUBELET,
                   f"{ref}Container {name} failed liveness probe, will be restarted")
        elif e.kind == "signal.sigterm":
            if not liveness_kill:  # the liveness kill already said why it stops
                yield e.t, "Normal", "Killing", KUBELET, f"{ref}Stopping container {name}"
            liveness_kill = False
        elif e.kind == "pod.delete":
            deleting = True
        elif e.kind == "pod.evicted":
            message = e.detail.removeprefix(f"{pod.name}: ")
            if e.data.get("cause") == "node-unreachable":  # taint-based eviction
                deleting = True
                yield (e.t, "Normal", "TaintManagerEviction", "taint-eviction-controller",
                       f"Marking for deletion Pod {m.namespace}/{pod.name}")
                continue
            yield e.t, "Warning", "Evicted", KUBELET, message
            if running:
                yield e.t, "Normal", "Killing", KUBELET, f"{ref}Stopping container {name}"


def _start(t: float, ref: str, name: str, image: str, policy: str) -> Iterator[_Occurrence]:
    if policy == "Always":
        pull = PULL
        yield t, "Normal", "Pulling", KUBELET, f'{ref}Pulling image "{image}"'
        yield (t, "Normal", "Pulled", KUBELET,
               f'{ref}Successfully pulled image "{image}" in {pull} ({pull} including waiting).'
               f" Image size: {IMAGE_BYTES} bytes.")
    else:
        yield (t, "Normal", "Pulled", KUBELET,
               f'{ref}Container image "{image}" already present on machine')
    yield t, "Normal", "Created", KUBELET, f"{ref}Created container: {name}"
    yield t, "Normal", "Started", KUBELET, f"{ref}Started container {name}"


def _pull_policy(container: dict[str, Any], image: str) -> str:
    """The API server's default: Always for `:latest` or an untagged image."""
    tag = image.rsplit("/", 1)[-1]
    default = "Always" if ":" not in tag or tag.endswith(":latest") else "IfNotPresent"
    return str(container.get("imagePullPolicy") or default)


def _probe_port(container: dict[str, Any]) -> object:
    port = container.get("livenessProbe", {}).get("httpGet", {}).get("port")
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    return port
