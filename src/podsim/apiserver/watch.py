"""`?watch=true` in virtual time: the world runs until what is watched has settled.

A real watch streams changes as the cluster makes them; here the cluster moves only when
the world's clock does. So a watch moves the clock moment by moment (the next queued event
or the next moment a pod turns ready) and records each change of the watched objects,
until every one has settled: a pod gone, or running and ready, or finished; a deployment
rolled out or past its progress deadline. The events are then streamed and the watch ends,
as a real watch ends at its timeout; kubectl's waits (delete, rollout status) return as
soon as they see what they wait for.
"""

from collections.abc import Callable
from typing import Any

from podsim.apiserver.deployment_objects import progress_deadline_at
from podsim.world import World

Obj = dict[str, Any]
Snapshot = dict[str, Obj]
LIMIT_S = 3600.0  # the longest a single watch may move the clock
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def resource_version(world: World) -> str:
    """Virtual milliseconds (+1, never 0): grows whenever the clock moves."""
    return str(round(world.now * 1000) + 1)


def watch_events(
    world: World, kind: str, api_version: str, snapshot: Callable[[], Snapshot],
    initial: bool, render: Callable[[Obj], Obj],
) -> list[Obj]:
    """The events a watch streams, moving the world's clock until the objects settle;
    `render` turns an object into what the client asked for (itself, or a Table)."""
    last = snapshot()
    events: list[Obj] = []
    if initial:
        events += [_event("ADDED", obj, world, render) for obj in last.values()]
        events.append({"type": "BOOKMARK", "object": {
            "kind": kind, "apiVersion": api_version,
            "metadata": {"resourceVersion": resource_version(world),
                         "annotations": {INITIAL_EVENTS_END: "true"}}}})
    deadline = world.now + LIMIT_S
    while not all(settled(obj, world.now) for obj in last.values()):
        moment = next_moment(world)
        if moment is None or moment > deadline:
            break
        world.advance(moment - world.now)
        current = snapshot()
        events += _changes(last, current, world, render)
        last = current
    return events


def _event(kind: str, obj: Obj, world: World, render: Callable[[Obj], Obj]) -> Obj:
    stamped = {**obj, "metadata": {**obj["metadata"],
                                   "resourceVersion": resource_version(world)}}
    return {"type": kind, "object": render(stamped)}


def _changes(
    before: Snapshot, after: Snapshot, world: World, render: Callable[[Obj], Obj]
) -> list[Obj]:
    events = [_event("DELETED", obj, world, render)
              for name, obj in before.items() if name not in after]
    for name, obj in after.items():
        if name not in before:
            events.append(_event("ADDED", obj, world, render))
        elif obj != before[name]:
            events.append(_event("MODIFIED", obj, world, render))
    return events


def settled(obj: Obj, now: float) -> bool:
    """Nothing more to wait for on this object without an outside action."""
    status = obj.get("status", {})
    if obj["kind"] == "Pod":
        if obj["metadata"].get("deletionTimestamp"):
            return False
        if status.get("phase") in ("Succeeded", "Failed"):
            return True
        ready = [c.get("ready") for c in status.get("containerStatuses", [])]
        return bool(ready) and all(ready)
    if obj["kind"] == "Deployment":
        return rolled_out(obj) or deadline_exceeded(obj)
    return True


def rolled_out(deployment: Obj) -> bool:
    """DeploymentStatusViewer's "successfully rolled out"."""
    spec, status = deployment["spec"], deployment.get("status", {})
    desired, updated = spec.get("replicas", 1), status.get("updatedReplicas", 0)
    return bool(updated >= desired and status.get("replicas", 0) <= updated
            and status.get("availableReplicas", 0) >= updated)


def deadline_exceeded(deployment: Obj) -> bool:
    return any(c["type"] == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded"
               for c in deployment.get("status", {}).get("conditions", []))


def next_moment(world: World) -> float | None:
    """When the world can next change: its next queued event, a pod turning ready, or the
    rollout's progress deadline."""
    now = world.now
    queued = world.next_event_at()
    moments = [queued] if queued is not None else []
    moments += [t for p in world.state.pods if (t := p.container.ready_at) is not None and t > now]
    deadline = progress_deadline_at(world)
    if deadline is not None and deadline > now:
        moments.append(deadline)
    return min(moments, default=None)
