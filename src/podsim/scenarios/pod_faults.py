"""Scenario setups where the pod, its container or its node is what goes wrong.

In the loss scenarios some writes are made while origin is unreachable, so they are
local-only when the fault strikes; origin is back before it strikes, so the only thing
between those writes and origin is the push daemon's next scheduled retry.
"""

from podsim.world import World


def writes_during_outage(world: World, count: int = 2) -> None:
    """One write reaches origin; then `count` writes are made while origin is unreachable."""
    world.write()
    world.advance(5)
    world.origin.set_network(False)
    for _ in range(count):
        world.write()
    world.advance(20)  # the daemon is now sleeping a 16 s back-off
    world.origin.set_network(True)


def happy_path(world: World) -> None:
    for _ in range(3):
        world.write()
        world.advance(2)


def oom_kill(world: World) -> None:
    writes_during_outage(world)
    world.oom_kill()  # same pod: reconcile pushes the backlog at the restart
    world.advance(60)


def process_crash(world: World) -> None:
    writes_during_outage(world)
    world.crash()
    world.advance(60)


def liveness_restart(world: World) -> None:
    world.write()
    world.advance(5)
    world.origin.set_network(False)
    world.write()
    world.write()
    world.hang()  # a hung event loop runs no retries
    world.origin.set_network(True)
    world.advance(180)  # liveness kills the container at 120 s; it restarts in place


def graceful_rollout(world: World) -> None:
    writes_during_outage(world)
    world.rollout_restart()  # Recreate: old pod and its emptyDir go first
    world.advance(60)


def pod_delete(world: World) -> None:
    writes_during_outage(world)
    world.delete_pod()
    world.advance(60)


def node_failure(world: World) -> None:
    writes_during_outage(world)
    world.fail_node()
    world.advance(400)  # 40 s node-monitor grace + 300 s toleration, then a new pod


def eviction(world: World) -> None:
    writes_during_outage(world)
    world.evict()
    world.advance(60)


def graceful_rollout_mid_push(world: World) -> None:
    world.write()
    world.rollout_restart()  # SIGTERM while the push is in flight
    world.advance(60)


def interrupted_clone(world: World) -> None:
    happy_path(world)
    world.origin.interrupt_next_clone(True)  # the new pod's first clone is killed half-way
    world.rollout_restart()  # a deploy replaces the pod; nothing was unpushed
    world.advance(120)  # each restart finds objects/, skips the clone, and crashes
