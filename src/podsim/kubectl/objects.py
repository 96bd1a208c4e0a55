"""The API objects kubectl sees (Pod, Deployment, Secret), built from world state.

Spec fields come from the deployment manifest the world runs; status fields from the
simulated pods. Shapes follow the Kubernetes API closely enough for -o json|yaml|jsonpath.
"""

import base64
import copy
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from podsim.kubectl.layout import human_duration, rfc3339
from podsim.state import Pod, Terminated
from podsim.world import World

Obj = dict[str, Any]


@functools.cache
def raw_manifest(source: Path) -> Obj:
    """The deployment document as written in deploy/ (ports, mounts, probes as YAML)."""
    loaded = yaml.safe_load(source.read_text())
    return dict(loaded)


def template_spec(world: World) -> Obj:
    return copy.deepcopy(raw_manifest(world.manifest.source)["spec"]["template"]["spec"])


def ts(world: World, t: float | None) -> str | None:
    return None if t is None else rfc3339(world.utc(t))


def digest(text: str, length: int = 64) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def host_ip(world: World, node: str) -> str:
    names = [n.name for n in world.state.nodes]
    return f"172.18.0.{names.index(node) + 2}" if node in names else ""


def container_id(pod: Pod) -> str:
    return f"containerd://{digest(f'{pod.uid}:{pod.container.instance}')}"


def image_id(image: str) -> str:
    return f"{image.rsplit(':', 1)[0]}@sha256:{digest(image)}"


def token_volume(pod: Pod) -> str:
    return f"kube-api-access-{pod.uid[:5]}"


# -- the cells `kubectl get pods` shows -------------------------------------------------
def ready_cell(pod: Pod, now: float) -> str:
    return f"{int(pod.container.is_ready(now))}/1"


def status_cell(pod: Pod, now: float) -> str:
    """printPod's STATUS: phase, then pod reason, then container state, then Terminating."""
    c = pod.container
    reason = pod.reason or pod.phase
    if c.state == "waiting" and c.reason:
        reason = c.reason
    elif c.state == "terminated" and c.terminated is not None:
        reason = c.terminated.reason or f"ExitCode:{c.terminated.exit_code}"
    if pod.terminating and pod.phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason


def restarts_cell(pod: Pod, now: float) -> str:
    c = pod.container
    if c.restart_count and c.last_terminated is not None:
        ago = human_duration(now - c.last_terminated.finished_at)
        return f"{c.restart_count} ({ago} ago)"
    return str(c.restart_count)


# -- Pod ---------------------------------------------------------------------------------
def pod_object(world: World, pod: Pod) -> Obj:
    m, c, now = world.manifest, pod.container, world.now
    spec = template_spec(world)
    token = token_volume(pod)
    spec["containers"][0].setdefault("volumeMounts", []).append(
        {"name": token, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
         "readOnly": True}
    )
    spec["volumes"].append({"name": token, "projected": {"defaultMode": 420, "sources": []}})
    spec.update(
        nodeName=pod.node, restartPolicy="Always", serviceAccountName="default",
        terminationGracePeriodSeconds=int(m.grace_s), schedulerName="default-scheduler",
        dnsPolicy="ClusterFirst", priority=0,
        tolerations=[
            {"key": f"node.kubernetes.io/{key}", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300}
            for key in ("not-ready", "unreachable")
        ],
    )
    meta: Obj = {
        "name": pod.name,
        "generateName": f"{m.deployment}-{pod.replicaset}-",
        "namespace": m.namespace,
        "uid": pod.uid,
        "creationTimestamp": ts(world, pod.created_at),
        "labels": dict(sorted(pod.labels.items())),
        "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "name": f"{m.deployment}-{pod.replicaset}",
            "controller": True, "blockOwnerDeletion": True, "uid": digest(pod.replicaset, 12),
        }],
    }
    if pod.deletion_at is not None:
        grace = pod.deletion_grace_s or 0.0
        meta["deletionTimestamp"] = ts(world, pod.deletion_at + grace)
        meta["deletionGracePeriodSeconds"] = int(grace)
    ready = c.is_ready(now)
    status: Obj = {"phase": pod.phase}
    if pod.reason:
        status["reason"] = pod.reason
    if pod.message:
        status["message"] = pod.message
    status.update(
        conditions=[
            {"type": kind, "status": "True" if ok else "False"}
            for kind, ok in (("PodReadyToStartContainers", c.instance > 0), ("Initialized", True),
                             ("Ready", ready), ("ContainersReady", ready), ("PodScheduled", True))
        ],
        hostIP=host_ip(world, pod.node),
        podIP=pod.ip,
        podIPs=[{"ip": pod.ip}],
        startTime=ts(world, pod.created_at),
        containerStatuses=[_container_status(world, pod, ready)],
        qosClass=qos_class(world),
    )
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def _container_status(world: World, pod: Pod, ready: bool) -> Obj:
    c = pod.container
    state: Obj
    if c.state == "running":
        state = {"running": {"startedAt": ts(world, c.started_at)}}
    elif c.state == "terminated" and c.terminated is not None:
        state = {"terminated": _terminated(world, pod, c.terminated)}
    else:
        state = {"waiting": {"reason": c.reason}}
    last = {"terminated": _terminated(world, pod, c.last_terminated)} if c.last_terminated else {}
    status: Obj = {"name": c.name, "image": world.manifest.image, "imageID": "", "ready": ready,
                   "restartCount": c.restart_count, "started": c.state == "running",
                   "state": state, "lastState": last}
    if c.instance > 0:
        status["containerID"] = container_id(pod)
        status["imageID"] = image_id(world.manifest.image)
    return status


def _terminated(world: World, pod: Pod, t: Terminated) -> Obj:
    return {"containerID": container_id(pod), "exitCode": t.exit_code, "reason": t.reason,
            "startedAt": ts(world, t.started_at), "finishedAt": ts(world, t.finished_at)}


def qos_class(world: World) -> str:
    res = world.manifest.resources
    if not res.get("requests") and not res.get("limits"):
        return "BestEffort"
    return "Guaranteed" if res.get("requests") == res.get("limits") else "Burstable"


# -- Deployment --------------------------------------------------------------------------
@dataclass(frozen=True)
class RolloutCounts:
    desired: int
    replicas: int  # pods not being deleted, old and new
    updated: int  # ... of the current template
    ready: int
    available: int


def rollout_counts(world: World) -> RolloutCounts:
    d, now = world.state.deployment, world.now
    live = [p for p in world.state.pods if not p.terminating and p.phase != "Failed"]
    ready = sum(p.container.is_ready(now) for p in live)
    updated = sum(p.replicaset == d.template_hash for p in live)
    return RolloutCounts(world.manifest.replicas, len(live), updated, ready, ready)


def deployment_object(world: World) -> Obj:
    d, m = world.state.deployment, world.manifest
    doc = copy.deepcopy(raw_manifest(m.source))
    counts = rollout_counts(world)
    doc["metadata"].update(
        namespace=m.namespace, uid=digest(f"deploy:{d.name}", 12), generation=d.revision,
        creationTimestamp=ts(world, 0.0),
        annotations={"deployment.kubernetes.io/revision": str(d.revision)},
    )
    if d.restarted_at:
        doc["spec"]["template"]["metadata"]["annotations"] = {
            "kubectl.kubernetes.io/restartedAt": d.restarted_at
        }
    doc["status"] = {
        "observedGeneration": d.revision, "replicas": counts.replicas,
        "updatedReplicas": counts.updated, "readyReplicas": counts.ready,
        "availableReplicas": counts.available,
        "unavailableReplicas": max(counts.desired - counts.available, 0),
    }
    return doc


def deployment_age(world: World) -> str:
    return human_duration(world.now)


# -- Secret ------------------------------------------------------------------------------
def secret_names(world: World) -> list[str]:
    root = world.root / "secrets"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def secret_data(world: World, name: str) -> dict[str, str]:
    folder = world.root / "secrets" / name
    return {
        f.name: base64.b64encode(f.read_bytes()).decode()
        for f in sorted(folder.iterdir()) if f.is_file()
    }


def secret_object(world: World, name: str) -> Obj:
    return {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": world.manifest.namespace,
                     "uid": digest(f"secret:{name}", 12), "creationTimestamp": ts(world, 0.0)},
        "type": "Opaque",
        "data": secret_data(world, name),
    }


def list_object(items: list[Obj]) -> Obj:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
