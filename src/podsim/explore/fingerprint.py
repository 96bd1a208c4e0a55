"""A faulted world's state as one digest: equal digests, equal rest of the run.

The world is deterministic and its model schedules by delays, so what happens next is a
function of its state with the times taken relative to now. The digest covers the cluster's
objects (times relative), every file of origin and of each live pod's volumes and container
home (of git's objects only the refs that reach them: git names an object by its content),
origin's faults, deploy keys and Secrets, and the queued events relative to now. Left out
is only what cannot change the rest of a run: what is written for kubectl's eyes alone
(logs, reasons, restart counts, ages), whether a past readiness time was a second or a
minute ago, the events the kubelet drops unseen, the containers of pods no kubelet runs any
more (failed, or on a failed node), and the names of pods and ReplicaSets (by position
instead). The time left before quiescence is not in it (podsim.explore.continuation).
"""

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from podsim.clock import Event
from podsim.fates import live_pods
from podsim.secret_volumes import REFRESH_EVENT
from podsim.state import Pod, WorldState, to_data
from podsim.world import World

# Keys of the process's saved state that hold a virtual time (boot steps, the push
# daemon, the in-memory load): compared relative to now.
_PROCESS_TIMES = frozenset({"plugin_started_at", "loaded_at", "started_at", "resolved_at",
                            "push_due"})
_CONTAINER_TIMES = ("started_at", "hung_since")
# What the Deployment controller and the node monitor read of a pod (Cluster).
_CONTROLLER_READS = ("name", "uid", "replicaset", "node", "phase", "labels", "volumes")
# What the kubelet and the controller write for kubectl's eyes and none of their decisions
# (nor the process's) reads: of a pod only whether it is terminating is read.
_CONTAINER_NOTES = ("logs", "previous_logs", "reason", "terminated", "last_terminated",
                    "restart_count")
_POD_NOTES = ("reason", "message", "created_at", "deletion_at", "deletion_grace_s")


def fingerprint(world: World) -> str:
    """A digest of everything that decides the rest of a faulted run (module docstring)."""
    state, now, root = world.state, world.now, world.root
    live = {p.name for p in live_pods(state)}
    ready = {n.name for n in state.nodes if n.ready}
    queue = [e for e in (_event(e, state.pods, ready, now) for e in world.pending_events())
             if e is not None]
    busy = {str(e[2]["pod"]) for e in queue if "pod" in e[2]}
    facts: dict[str, Any] = {
        "seed": state.seed,
        "deploy_dir": state.deploy_dir,
        "settings": to_data(state.settings),
        "api": world.api_settings.to_data(),
        "deployment": to_data(state.deployment) | {  # its restart time only named pods
            "restarted_at": state.deployment.restarted_at is not None},
        "nodes": [[n.name, n.ready, _rel(n.failed_at, now)] for n in state.nodes],
        "counters": {k: v for k, v in state.counters.items() if k != "writes"},
        "pods": [_pod(p, p.name in live or p.name in busy, now) for p in state.pods],
        "files": {
            "origin": _tree(world.origin.git_dir, root),
            "faults": _tree(world.origin.faults_dir, root),
            "keys": _tree(world.origin.keys.directory, root),
            "secrets": _tree(root / "secrets", root),
            "pods": [_pod_files(world, p, root, p.name in live) for p in state.pods],
        },
        "queue": queue,
    }
    text = json.dumps(facts, sort_keys=True, default=str)
    for name, label in _labels(state):
        text = text.replace(name, label)
    return hashlib.sha256(text.encode()).hexdigest()


def _labels(state: WorldState) -> list[tuple[str, str]]:
    """Pods and ReplicaSets by position instead of by name. Their names carry the time of a
    rollout (the template hash), and the model only compares them with each other (which
    pod an event is for, whether a pod is of the current ReplicaSet), so worlds whose names
    differ the same way everywhere run alike. Pod names first: they contain the hash."""
    sets = [state.deployment.template_hash]
    sets += [rs for rs in dict.fromkeys(p.replicaset for p in state.pods) if rs not in sets]
    return ([(p.name, f"<pod {i}>") for i, p in enumerate(state.pods)]
            + [(rs, f"<replicaset {i}>") for i, rs in enumerate(sets) if rs])


def _rel(t: float | None, now: float) -> float | None:
    return None if t is None else round(t - now, 6)


def _pod(pod: Pod, runs: bool, now: float) -> dict[str, Any]:
    """A pod with its times relative to now. Of a pod that no kubelet runs (failed, or on
    a failed node) with no event of its own left, only what the controller reads."""
    data: dict[str, Any] = to_data(pod)
    if not runs:
        c = pod.container
        return {k: data[k] for k in _CONTROLLER_READS} | {
            "terminating": pod.terminating, "container": [c.state, c.instance,
                                                          _ready(pod, now)]}
    for key in _POD_NOTES:
        del data[key]
    data["terminating"] = pod.terminating
    container = data["container"]
    for key in _CONTAINER_NOTES:
        del container[key]
    for key in _CONTAINER_TIMES:
        container[key] = _rel(container[key], now)
    container["ready_at"] = _ready(pod, now)
    container["process"] = _relative(container["process"], now)
    return data


def _ready(pod: Pod, now: float) -> float | str | None:
    """When the container turns ready: only a time still to come is read as a time (the
    next stop, the controller's next look); one that has passed only says it is ready."""
    t = pod.container.ready_at
    return "past" if t is not None and t <= now else _rel(t, now)


def _relative(value: Any, now: float) -> Any:
    if isinstance(value, dict):
        return {k: _rel(v, now) if k in _PROCESS_TIMES and isinstance(v, (int, float))
                and not isinstance(v, bool) else _relative(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative(v, now) for v in value]
    return value


def _pod_files(world: World, pod: Pod, root: Path, live: bool) -> dict[str, Any] | None:
    """A live pod's volumes and container home; of any other pod only its persistent
    volumes, which outlive it (its emptyDirs and home are never read again, and a start
    projects its Secrets anew)."""
    kept = {v.name for v in world.manifest.volumes if v.kind not in ("emptyDir", "secret")}
    volumes = {name: _tree(root / rel, root) for name, rel in sorted(pod.volumes.items())
               if live or name in kept}
    if not live:
        return {"volumes": volumes}
    home = root / "containers" / pod.name / str(pod.container.instance)
    return {"volumes": volumes, "home": _tree(home, root)}


def _event(event: Event, pods: list[Pod], ready: set[str], now: float) -> list[Any] | None:
    """A queued event relative to now, or None when it can change nothing."""
    data = dict(event.data)
    if event.kind.startswith("kubelet."):
        pod = next((p for p in pods if p.name == data.get("pod")), None)
        # Kubelet.handle drops these unseen: the pod is gone or on a failed node (no node
        # is ever ready again), the event is a dead container instance's, or it is a
        # process timer while the container is not running (Kubelet._timer; a start
        # changes the instance, so that timer never reaches a running process). A Secret
        # refreshed into a failed pod's volume is read by no process (a start projects
        # the Secrets again).
        if pod is None or pod.node not in ready or (
                event.kind == REFRESH_EVENT and pod.phase == "Failed") or (
                event.kind != REFRESH_EVENT and (
                    data.get("instance") != pod.container.instance
                    or (event.kind == "kubelet.timer" and pod.container.state != "running"))):
            return None
        if "instance" in data:
            data["instance"] = "current"
    return [_rel(event.t, now), event.kind, data]


def _tree(top: Path, root: Path) -> list[Any]:
    """Every file under `top` with its content (the world's path written as <root>). Of a
    repository's `objects` only that it is there: git names an object by its content and
    the model's git reaches objects only from the refs (which are files here), so the refs
    say which objects matter and what they hold."""
    prefix = os.fspath(root)
    marker = prefix.encode()
    out: list[Any] = []
    for path, is_objects in _files(os.fspath(top)):
        rel = path[len(prefix):]  # every world file is under the world's directory
        if is_objects:
            out.append(rel)
            continue
        with open(path, "rb") as handle:  # noqa: PTH123 - str paths: this runs per state
            content = handle.read().replace(marker, b"<root>")
        out.append([rel, hashlib.sha256(content).hexdigest()])
    return out


def _files(top: str) -> Iterator[tuple[str, bool]]:
    """(path, is an objects directory) under `top`, in name order."""
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name == "objects":
                yield entry.path, True
            else:
                yield from _files(entry.path)
        elif entry.name != "world.lock":
            yield entry.path, False
