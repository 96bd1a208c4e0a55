"""The named scenarios: a registry of short setups that a docs page can show.

Setups live in pod_faults.py (the pod, container or node fails), origin_faults.py
(origin is unreachable, refuses, or moves on) and cluster_faults.py (the cluster evicts,
rolls or restarts as production's does).
"""

from collections.abc import Callable
from dataclasses import dataclass

from podsim.scenarios.brownout import boot_brownout
from podsim.scenarios.cluster_faults import (
    container_restart_by_exec,
    heap_exhaustion,
    memory_eviction,
    rolling_update_two_writers,
)
from podsim.scenarios.origin_faults import (
    conflict_local_only,
    conflict_push_fails,
    deploy_key_revoked,
    deploy_key_revoked_backlog,
    diverged_conflict,
    non_fast_forward,
    origin_outage,
    protected_branch,
    stranded_on_pod,
)
from podsim.scenarios.pod_faults import (
    eviction,
    graceful_rollout,
    graceful_rollout_mid_push,
    happy_path,
    interrupted_clone,
    liveness_restart,
    node_failure,
    oom_kill,
    pod_delete,
    process_crash,
)
from podsim.world import World


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    setup: Callable[[World], None]
    git_version: tuple[int, int] = (2, 45)
    sigterm_handler: bool = False


CLUSTER_SCENARIOS = [
    Scenario(
        "memory-eviction",
        "Node memory pressure evicts the pod over its request: local-only writes lost.",
        memory_eviction,
    ),
    Scenario(
        "heap-exhaustion",
        "V8 runs out of heap with a backlog: a crash, not an eviction; nothing lost.",
        heap_exhaustion,
    ),
    Scenario(
        "rolling-update-two-writers",
        "RollingUpdate runs old and new pod together: the new pod's write is rejected.",
        rolling_update_two_writers,
    ),
    Scenario(
        "container-restart-by-exec",
        "kubectl exec ... kill 1 restarts the container in place: nothing lost.",
        container_restart_by_exec,
    ),
]

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
        Scenario(
            "boot-brownout",
            "Origin black-holed during a restart: crash loop through the plugin timeout; "
            "the backlog waits on the volume and ships once origin answers.",
            boot_brownout,
        ),
        *CLUSTER_SCENARIOS,
    ]
}
