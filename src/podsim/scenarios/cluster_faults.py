"""Scenario setups where the cluster does what production's does: memory-pressure eviction
(and, for contrast, V8 heap exhaustion), a RollingUpdate that runs two writers, and a
container restarted through `kubectl exec`."""

from podsim.scenarios.pod_faults import writes_during_outage
from podsim.world import World


def memory_eviction(world: World) -> None:
    writes_during_outage(world)
    world.evict_for_memory()  # over its 512Mi request: the pod and its emptyDir go
    world.advance(60)


def heap_exhaustion(world: World) -> None:
    writes_during_outage(world)
    world.heap_abort()  # node over its V8 heap: a crash (exit 134), not OOMKilled; same pod
    world.advance(60)


def rolling_update_two_writers(world: World) -> None:
    world.switch_strategy("RollingUpdate")
    old = world.pod().name
    world.write()
    world.advance(5)
    world.rollout_restart()  # maxSurge 1, maxUnavailable 0: the new pod starts beside the old
    (new,) = [p.name for p in world.pods() if p.name != old]
    world.advance(15)  # the new pod has cloned and reconciled; it loads until it listens
    world.write(pod=old)  # the old pod still serves, and pushes on top of the new one's fetch
    world.wait_until_serving(new)  # the new pod is ready: only now is the old one terminated
    world.write(pod=new)  # its history predates the old pod's push: rejected non-fast-forward
    world.advance(60)


def container_restart_by_exec(world: World) -> None:
    writes_during_outage(world)
    world.signal(1, "TERM")  # kubectl exec deploy/codeforphilly -- kill 1
    world.advance(60)
