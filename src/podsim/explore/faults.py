"""The fault kinds the explorer injects at every boundary, and what each one does to a pod.

`restart` faults keep the pod and its volume (invariant 2); `pod-loss` faults take the pod
and its emptyDir (invariant 3); `origin` takes origin away and keeps the pod.
"""

from collections.abc import Callable
from dataclasses import dataclass

from podsim.world import World


@dataclass(frozen=True)
class Fault:
    name: str
    effect: str  # restart | pod-loss | origin
    inject: Callable[[World], None]


def _force_delete(world: World) -> None:
    world.delete_pod(grace_s=0, force=True)


def _node_failure(world: World) -> None:
    world.fail_node()


def _origin_down(world: World) -> None:
    world.origin.set_fault("refuse")


FAULTS: dict[str, Fault] = {f.name: f for f in (
    Fault("oom-kill", "restart", lambda w: w.oom_kill()),
    Fault("liveness-restart", "restart", lambda w: w.hang()),
    Fault("process-crash", "restart", lambda w: w.crash()),
    Fault("graceful-rollout", "pod-loss", lambda w: w.rollout_restart()),
    Fault("pod-delete", "pod-loss", lambda w: w.delete_pod()),
    Fault("forced-delete", "pod-loss", _force_delete),
    Fault("eviction", "pod-loss", lambda w: w.evict()),
    Fault("memory-eviction", "pod-loss", lambda w: w.evict_for_memory()),
    Fault("node-failure", "pod-loss", _node_failure),
    Fault("origin-down", "origin", _origin_down),
)}


def fault(name: str) -> Fault:
    try:
        return FAULTS[name]
    except KeyError:
        raise ValueError(f"unknown fault {name!r}; faults: {', '.join(FAULTS)}") from None
