"""The Pod objects the endpoint serves, from a world, and what every object builder shares.

Spec fields come from the deployment manifest the world runs; status fields from the
simulated pods and nodes. Each builder reads one consistent snapshot: call them inside
the world's transaction.
"""

import copy
import functools
import hashlib
from pathlib import Path
from typing import Any

import yaml

from podsim.apiserver import defaults
from podsim.apiserver.clock_view import stamp
from podsim.state import Container, Pod, Terminated
from podsim.world import World

Obj = dict[str, Any]


@functools.cache
def _manifest_document(source: Path, mtime_ns: int) -> Obj:
    loaded = yaml.safe_load(source.read_text())
    return dict(loaded)


def manifest_document(world: World) -> Obj:
    """The deployment from deploy/ as the apiserver stores it: defaulted (a fresh copy)."""
    source = world.manifest.source
    doc = copy.deepcopy(_manifest_document(source, source.stat().st_mtime_ns))
    defaults.deployment_spec(doc["spec"])
    return doc


def uid(*parts: str) -> str:
    """A stable UUID-shaped id derived from what names the object."""
    h = hashlib.sha256(":".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def replicaset_name(world: World, template_hash: str) -> str:
    return f"{world.manifest.deployment}-{template_hash}"


def node_ip(world: World, node: str) -> str:
    names = [n.name for n in world.state.nodes]
    return f"172.18.0.{names.index(node) + 2}" if node in names else ""


# -- Pod ---------------------------------------------------------------------------------
def pod_object(world: World, pod: Pod) -> Obj:
    m = world.manifest
    rs = replicaset_name(world, pod.replicaset)
    spec = manifest_document(world)["spec"]["template"]["spec"]
    # What admission adds to every pod: the service-account token volume and the
    # tolerations that let a pod ride out a not-ready or unreachable node for 5 minutes.
    token = f"kube-api-access-{pod.uid.replace('-', '')[:5]}"
    spec["containers"][0].setdefault("volumeMounts", []).append(
        {"name": token, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
         "readOnly": True})
    spec.setdefault("volumes", []).append(
        {"name": token, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt",
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ]}})
    spec["tolerations"] = [
        {"key": f"node.kubernetes.io/{taint}", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 300}
        for taint in ("not-ready", "unreachable")
    ]
    spec.update(nodeName=pod.node, serviceAccountName="default", serviceAccount="default",
                terminationGracePeriodSeconds=int(m.grace_s), priority=0,
                enableServiceLinks=True, preemptionPolicy="PreemptLowerPriority")
    meta: Obj = {
        "name": pod.name,
        "generateName": f"{rs}-",
        "namespace": m.namespace,
        "uid": pod.uid,
        "resourceVersion": "1",
        "creationTimestamp": stamp(world, pod.created_at),
        "labels": dict(sorted(pod.labels.items())),
        "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs,
            "uid": uid("replicaset", rs), "controller": True, "blockOwnerDeletion": True,
        }],
    }
    if pod.deletion_at is not None:
        grace = pod.deletion_grace_s or 0.0
        meta["deletionTimestamp"] = stamp(world, pod.deletion_at + grace)
        meta["deletionGracePeriodSeconds"] = int(grace)
    ready = pod.container.is_ready(world.now)
    status: Obj = {"phase": pod.phase}
    if pod.reason:
        status["reason"] = pod.reason
    if pod.message:
        status["message"] = pod.message
    status["conditions"] = [
        {"type": kind, "status": "True" if ok else "False", "lastProbeTime": None,
         "lastTransitionTime": stamp(world, pod.created_at)}
        for kind, ok in (
            ("PodReadyToStartContainers", pod.container.instance > 0), ("Initialized", True),
            ("Ready", ready), ("ContainersReady", ready), ("PodScheduled", True),
        )
    ]
    status.update(
        hostIP=node_ip(world, pod.node), podIP=pod.ip, podIPs=[{"ip": pod.ip}],
        startTime=stamp(world, pod.created_at),
        containerStatuses=[_container_status(world, pod, pod.container, ready)],
        qosClass=_qos_class(world),
    )
    return {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": status}


def _container_status(world: World, pod: Pod, c: Container, ready: bool) -> Obj:
    state: Obj
    if c.state == "running":
        state = {"running": {"startedAt": stamp(world, c.started_at)}}
    elif c.state == "terminated" and c.terminated is not None:
        state = {"terminated": _terminated(world, pod, c.terminated)}
    else:
        state = {"waiting": {"reason": c.reason or "ContainerCreating"}}
    image = world.manifest.image
    status: Obj = {
        "name": c.name, "state": state,
        "lastState": ({"terminated": _terminated(world, pod, c.last_terminated)}
                      if c.last_terminated else {}),
        "ready": ready, "restartCount": c.restart_count, "image": image, "imageID": "",
        "started": c.state == "running",
    }
    if c.instance > 0:
        status["containerID"] = _container_id(pod, c.instance)
        status["imageID"] = f"{image.rsplit(':', 1)[0]}@sha256:{_digest(image)}"
    return status


def _terminated(world: World, pod: Pod, t: Terminated) -> Obj:
    return {"exitCode": t.exit_code, "reason": t.reason,
            "startedAt": stamp(world, t.started_at), "finishedAt": stamp(world, t.finished_at),
            "containerID": _container_id(pod, pod.container.instance)}


def _container_id(pod: Pod, instance: int) -> str:
    return f"containerd://{_digest(f'{pod.uid}:{instance}')}"


def _qos_class(world: World) -> str:
    resources = world.manifest.resources
    if not resources.get("requests") and not resources.get("limits"):
        return "BestEffort"
    return "Guaranteed" if resources.get("requests") == resources.get("limits") else "Burstable"
