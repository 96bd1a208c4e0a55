"""The Deployment and its ReplicaSets as the endpoint serves them, from a world.

Status counts come from the simulated pods; the rollout's conditions follow the deployment
controller: Available by the ready count, Progressing until the new pods are ready, and
ProgressDeadlineExceeded once progressDeadlineSeconds pass without progress.
"""

from datetime import datetime

from podsim.apiserver.clock_view import stamp, utc
from podsim.apiserver.objects import Obj, manifest_document, replicaset_name, uid
from podsim.state import Pod
from podsim.world import World


def _live(pods: list[Pod]) -> list[Pod]:
    return [p for p in pods if not p.terminating and p.phase != "Failed"]


def deployment_object(world: World) -> Obj:
    d, m, now = world.state.deployment, world.manifest, world.now
    doc = manifest_document(world)
    live = _live(world.state.pods)
    ready = sum(p.container.is_ready(now) for p in live)
    doc["metadata"].update(
        namespace=m.namespace, uid=uid("deployment", d.name), resourceVersion="1",
        generation=d.revision, creationTimestamp=stamp(world, 0.0),
        annotations={"deployment.kubernetes.io/revision": str(d.revision)},
    )
    if d.restarted_at:
        template_meta = doc["spec"]["template"].setdefault("metadata", {})
        template_meta["annotations"] = {"kubectl.kubernetes.io/restartedAt": d.restarted_at}
    doc["status"] = {
        "observedGeneration": d.revision, "replicas": len(live),
        "updatedReplicas": sum(p.replicaset == d.template_hash for p in live),
        "readyReplicas": ready, "availableReplicas": ready,
        "unavailableReplicas": max(m.replicas - ready, 0),
        "conditions": _deployment_conditions(world, ready >= m.replicas),
    }
    return doc


def _rolled_out(world: World) -> bool:
    d, now = world.state.deployment, world.now
    live = _live(world.state.pods)
    new_ready = sum(p.replicaset == d.template_hash and p.container.is_ready(now) for p in live)
    return new_ready >= world.manifest.replicas and len(live) <= new_ready


def rollout_started_at(world: World) -> float:
    """Virtual time of the last `rollout restart` (0: the deployment's creation)."""
    restarted = world.state.deployment.restarted_at
    if not restarted:
        return 0.0
    moment = datetime.fromisoformat(restarted.replace("Z", "+00:00"))
    return (moment - utc(world, 0.0)).total_seconds()


def progress_deadline_at(world: World) -> float | None:
    """When an unfinished rollout exceeds progressDeadlineSeconds; None once rolled out."""
    if _rolled_out(world):
        return None
    spec = manifest_document(world)["spec"]
    return last_progress_at(world) + float(spec["progressDeadlineSeconds"])


def last_progress_at(world: World) -> float:
    """The rollout's start, or a later new pod of the current ReplicaSet: replacing a deleted
    pod raises the updated count again, which the controller takes as progress."""
    d = world.state.deployment
    created = [p.created_at for p in _live(world.state.pods) if p.replicaset == d.template_hash]
    return max([rollout_started_at(world), *created])


def _deployment_conditions(world: World, available: bool) -> list[Obj]:
    """Available as the ready count says; Progressing done once the new pods are ready,
    failed once the progress deadline passed without that."""
    since = stamp(world, 0.0)
    rs = replicaset_name(world, world.state.deployment.template_hash)
    rolled_out = _rolled_out(world)
    deadline = progress_deadline_at(world)
    if deadline is not None and world.now >= deadline:
        return [_available(available, since), {
            "type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
            "message": f'ReplicaSet "{rs}" has timed out progressing.',
            "lastUpdateTime": since, "lastTransitionTime": since}]
    return [
        _available(available, since),
        {"type": "Progressing", "status": "True",
         "reason": "NewReplicaSetAvailable" if rolled_out else "ReplicaSetUpdated",
         "message": f'ReplicaSet "{rs}" has successfully progressed.' if rolled_out
         else f'ReplicaSet "{rs}" is progressing.',
         "lastUpdateTime": since, "lastTransitionTime": since},
    ]


def replicaset_hashes(world: World) -> list[str]:
    """The current template's ReplicaSet, then older ones, newest first: the controller keeps
    up to revisionHistoryLimit of them (scaled to zero) for `rollout history`."""
    current = world.state.deployment.template_hash
    older = [h for h in reversed(_template_history(world)) if h != current]
    owning = {p.replicaset for p in world.state.pods}
    limit = int(manifest_document(world)["spec"].get("revisionHistoryLimit", 10))
    kept = [h for i, h in enumerate(older) if h in owning or i < limit]
    return [current, *kept] if current else kept


def _template_history(world: World) -> list[str]:
    """Every template hash that ever had a pod, oldest first (pods are named after it)."""
    prefix = f"{world.manifest.deployment}-"
    seen: list[str] = []
    for entry in world.trace.entries:
        name = str(entry.data.get("pod", "")) if entry.kind == "pod.created" else ""
        template_hash = name.removeprefix(prefix).rpartition("-")[0]
        if name.startswith(prefix) and template_hash and template_hash not in seen:
            seen.append(template_hash)
    seen += [p.replicaset for p in world.state.pods if p.replicaset not in seen]
    return seen


def replicaset_object(world: World, template_hash: str) -> Obj:
    m, now = world.manifest, world.now
    name = replicaset_name(world, template_hash)
    owned = [p for p in world.state.pods if p.replicaset == template_hash]
    live = _live(owned)
    desired = m.replicas if template_hash == world.state.deployment.template_hash else 0
    template = manifest_document(world)["spec"]["template"]
    template.setdefault("metadata", {}).setdefault("labels", {})[
        "pod-template-hash"] = template_hash
    selector = {**m.selector, "pod-template-hash": template_hash}
    ready = sum(p.container.is_ready(now) for p in live)
    created = min((p.created_at for p in owned), default=0.0)
    return {
        "kind": "ReplicaSet", "apiVersion": "apps/v1",
        "metadata": {
            "name": name, "namespace": m.namespace, "uid": uid("replicaset", name),
            "resourceVersion": "1", "creationTimestamp": stamp(world, created),
            "labels": {**m.labels, "pod-template-hash": template_hash},
            "annotations": _revision(world, template_hash),
            "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "Deployment", "name": m.deployment,
                "uid": uid("deployment", m.deployment), "controller": True,
                "blockOwnerDeletion": True,
            }],
        },
        "spec": {"replicas": desired, "selector": {"matchLabels": selector},
                 "template": template},
        "status": {"replicas": len(live), "readyReplicas": ready, "availableReplicas": ready,
                   "observedGeneration": 1},
    }


def _available(available: bool, since: str | None) -> Obj:
    return {"type": "Available", "status": "True" if available else "False",
            "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability." if available
            else "Deployment does not have minimum availability.",
            "lastUpdateTime": since, "lastTransitionTime": since}


def _revision(world: World, template_hash: str) -> dict[str, str]:
    """The deployment controller's annotations. Older templates count back from the current
    revision in the order their pods first appeared (each restart made at least one pod)."""
    notes = {"deployment.kubernetes.io/desired-replicas": str(world.manifest.replicas),
             "deployment.kubernetes.io/max-replicas": str(world.manifest.replicas)}
    d = world.state.deployment
    older = [h for h in _template_history(world) if h != d.template_hash]
    if template_hash == d.template_hash:
        notes["deployment.kubernetes.io/revision"] = str(d.revision)
    elif template_hash in older and d.revision - len(older) + older.index(template_hash) > 0:
        revision = d.revision - len(older) + older.index(template_hash)
        notes["deployment.kubernetes.io/revision"] = str(revision)
    return notes
