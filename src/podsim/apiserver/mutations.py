"""Requests that change the world: DELETE of a pod, PATCH of the deployment's restart stamp.

Each maps onto the world's own operation (World.delete_pod, World.rollout_restart), so the
simulated controller and kubelet react exactly as when a page calls them from Python.
"""

from typing import Any

from podsim.apiserver.deployment_objects import deployment_object
from podsim.apiserver.objects import pod_object
from podsim.apiserver.status import ApiError, bad_request, not_found
from podsim.world import World

Obj = dict[str, Any]
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def delete_pod(world: World, namespace: str, name: str, options: Obj) -> Obj:
    """DeleteOptions.gracePeriodSeconds: absent = the pod's own, 0 = at once (--force)."""
    pod = next((p for p in world.state.pods if p.name == name), None)
    if pod is None or namespace != world.manifest.namespace:
        raise not_found("pods", name)
    grace = options.get("gracePeriodSeconds")
    if grace is not None and (not isinstance(grace, int) or grace < 0):
        raise bad_request(f"gracePeriodSeconds: Invalid value: {grace!r}: must be >= 0")
    before = pod_object(world, pod)
    if not pod.terminating or grace == 0:
        world.delete_pod(name, None if grace is None else float(grace), force=grace == 0)
    after = next((p for p in world.state.pods if p.name == name), None)
    return before if after is None else pod_object(world, after)


def patch_deployment(world: World, namespace: str, name: str, patch: Obj) -> Obj:
    """The one patch operators send: `rollout restart` stamping the pod template."""
    if namespace != world.manifest.namespace or name != world.manifest.deployment:
        raise not_found("deployments", name, "apps")
    annotations = (patch.get("spec", {}).get("template", {}).get("metadata", {})
                   .get("annotations", {}))
    if set(patch) != {"spec"} or set(annotations) != {RESTARTED_AT}:
        raise ApiError(422, "Invalid", "podsim: the deployment accepts only the patch of "
                       f"`kubectl rollout restart` (spec.template.metadata.annotations."
                       f"{RESTARTED_AT}); got {patch}")
    # The stamp kubectl sends is wall-clock time; the world stamps its own virtual time.
    world.rollout_restart()
    return deployment_object(world)
