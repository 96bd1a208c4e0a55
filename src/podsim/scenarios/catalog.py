"""The scenarios. Each setup is what a docs page can show: plain calls on a `World`.

In the loss scenarios some writes are made while origin is unreachable, so they are
local-only when the fault strikes; origin is back before it strikes, so the only thing
between those writes and origin is the push daemon's next scheduled retry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from podsim.world import World


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    setup: Callable[[World], None]
    git_version: tuple[int, int] = (2, 45)
    sigterm_handler: bool = False


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


def origin_outage(world: World) -> None:
    world.origin.set_network(False)
    for _ in range(3):
        world.write()
        world.advance(300)
    world.origin.set_network(True)
    world.advance(4000)  # the next scheduled retry ships the whole backlog


def deploy_key_revoked(world: World) -> None:
    world.origin.revoke_deploy_key()
    world.write()
    world.write()
    world.advance(600)
    world.origin.rotate_deploy_key()  # the mounted Secret updates in place; no restart
    world.advance(2000)


def protected_branch(world: World) -> None:
    world.origin.protect_branch(True)
    world.write()
    world.write()
    world.advance(7200)  # `[remote rejected]` is retried forever, never terminal


def non_fast_forward(world: World) -> None:
    world.origin.advance(world.rt.clock.utc(), "notes/importer.md", "imported\n", "Import batch")
    world.write()
    world.advance(5)  # rejected non-fast-forward: terminal for the batch
    world.crash()  # a container restart runs reconcile, which replays the write
    world.advance(10)


def diverged_conflict(world: World) -> None:
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.crash()
    world.advance(10)


def conflict_push_fails(world: World) -> None:
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.origin.restrict_branch_creation(True)  # the conflicts/* push will be refused
    world.crash()  # conflict-escaped, preserved LOCALLY only
    world.advance(10)
    world.delete_pod()  # ...and the pod's volume goes with it
    world.advance(60)


def _edit_same_record_on_origin(world: World) -> None:
    # The pod's push is still in flight: another writer lands first on the same file.
    world.origin.advance(
        world.rt.clock.utc(),
        "people/ada-chen.toml",
        'full_name = "Ada Chen (origin)"\n',
        "Edit ada-chen upstream",
    )
    world.advance(5)


def graceful_rollout_mid_push(world: World) -> None:
    world.write()
    world.rollout_restart()  # SIGTERM while the push is in flight
    world.advance(60)


def interrupted_clone(world: World) -> None:
    happy_path(world)
    world.origin.interrupt_next_clone(True)  # the new pod's first clone is killed half-way
    world.rollout_restart()  # a deploy replaces the pod; nothing was unpushed
    world.advance(120)  # each restart finds objects/, skips the clone, and crashes


def stranded_on_pod(world: World) -> None:
    # A conflict escape whose branch push is refused: conflicts/<ts> exists only on the pod.
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.origin.restrict_branch_creation(True)
    world.crash()
    world.advance(10)
    world.origin.restrict_branch_creation(False)  # lifted later; nothing retries that push
    # Then an importer lands on origin first, and the next write is rejected non-fast-forward.
    world.origin.advance(world.rt.clock.utc(), "notes/importer.md", "imported\n", "Import batch")
    world.write()
    world.advance(5)


def deploy_key_revoked_backlog(world: World) -> None:
    world.origin.revoke_deploy_key()
    world.write()
    world.write()
    world.advance(5000)  # retries reach the 1 h cap; the key is not rotated yet


def conflict_local_only(world: World) -> None:
    world.write("people", {"slug": "ada-chen", "full_name": "Ada Chen (pod)"})
    _edit_same_record_on_origin(world)
    world.origin.restrict_branch_creation(True)  # the conflicts/* push will be refused
    world.crash()  # conflict-escaped, preserved LOCALLY only; the pod is still there
    world.advance(10)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario(
            "happy-path", "Three writes, origin healthy: every write reaches origin.", happy_path
        ),
        Scenario(
            "oom-kill", "OOM kill after writes made during an outage: nothing lost.", oom_kill
        ),
        Scenario(
            "process-crash", "The process crashes with a backlog: nothing lost.", process_crash
        ),
        Scenario(
            "liveness-restart",
            "A hung process is restarted by liveness: nothing lost.",
            liveness_restart,
        ),
        Scenario(
            "graceful-rollout",
            "Rollout restart with a backlog: local-only writes lost.",
            graceful_rollout,
        ),
        Scenario(
            "pod-delete", "kubectl delete pod with a backlog: local-only writes lost.", pod_delete
        ),
        Scenario(
            "node-failure", "The node dies with a backlog: local-only writes lost.", node_failure
        ),
        Scenario(
            "eviction", "Node-pressure eviction with a backlog: local-only writes lost.", eviction
        ),
        Scenario(
            "origin-outage",
            "Origin unreachable for 15 minutes: nothing lost once back.",
            origin_outage,
        ),
        Scenario(
            "deploy-key-revoked",
            "Deploy key revoked, then rotated in place: nothing lost.",
            deploy_key_revoked,
        ),
        Scenario(
            "protected-branch",
            "Branch protection rejects pushes: writes stay pod-only.",
            protected_branch,
        ),
        Scenario(
            "non-fast-forward",
            "Origin moved on; a restart rebases the write: nothing lost.",
            non_fast_forward,
        ),
        Scenario(
            "diverged-conflict",
            "Same record edited on both sides: conflict branch.",
            diverged_conflict,
        ),
        Scenario(
            "conflict-push-fails",
            "Conflict branch push refused, then pod replaced: lost.",
            conflict_push_fails,
        ),
        Scenario(
            "rollout-mid-push",
            "Rollout while a push is in flight, no SIGTERM handler.",
            graceful_rollout_mid_push,
        ),
        Scenario(
            "rollout-mid-push-drained",
            "The same rollout with the modelled SIGTERM fix.",
            graceful_rollout_mid_push,
            sigterm_handler=True,
        ),
        Scenario(
            "diverged-old-git",
            "A clean divergence with git 2.39: every divergence escapes.",
            non_fast_forward,
            git_version=(2, 39),
        ),
        Scenario(
            "interrupted-clone",
            "A deploy's clone is killed half-way: the new pod crash-loops until replaced.",
            interrupted_clone,
        ),
        Scenario(
            "stranded-on-pod",
            "A local-only conflict branch and a rejected write: both only on the pod.",
            stranded_on_pod,
        ),
        Scenario(
            "deploy-key-revoked-backlog",
            "Deploy key revoked, not yet rotated: writes wait in the pod.",
            deploy_key_revoked_backlog,
        ),
        Scenario(
            "conflict-local-only",
            "Conflict branch push refused: the branch exists only in the pod.",
            conflict_local_only,
        ),
    ]
}
