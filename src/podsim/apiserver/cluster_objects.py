"""The cluster-scoped objects the endpoint serves (Namespace, Node), from a world."""

from podsim.apiserver.clock_view import stamp
from podsim.apiserver.objects import Obj, node_ip, uid
from podsim.apiserver.status import ApiError
from podsim.world import World

KUBELET_VERSION = "v1.37.1"
# Each simulated node: a small worker (kind's default pod limit).
NODE_CAPACITY = {"cpu": "4", "memory": "8Gi", "ephemeral-storage": "100Gi", "pods": "110"}


# -- Namespace --------------------------------------------------------------------------
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


def namespace_names(world: World) -> list[str]:
    return sorted({*SYSTEM_NAMESPACES, world.manifest.namespace})


def namespace_object(world: World, name: str) -> Obj:
    return {
        "kind": "Namespace", "apiVersion": "v1",
        "metadata": {"name": name, "uid": uid("namespace", name), "resourceVersion": "1",
                     "creationTimestamp": stamp(world, 0.0),
                     "labels": {"kubernetes.io/metadata.name": name}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


# -- Node --------------------------------------------------------------------------------
def node_object(world: World, name: str) -> Obj:
    """A failed node keeps its Ready condition until the node controller notices (its
    not-ready step in the trace); then Ready is Unknown and the node is tainted."""
    node = next(n for n in world.state.nodes if n.name == name)
    noticed = not node.ready and any(
        e.data.get("node") == name and (node.failed_at is None or e.t >= node.failed_at)
        for e in world.trace.of_kind("node.not-ready"))
    heartbeat = stamp(world, world.now if node.ready else node.failed_at)
    condition: Obj = {"type": "Ready", "status": "True", "reason": "KubeletReady",
                      "message": "kubelet is posting ready status",
                      "lastHeartbeatTime": heartbeat, "lastTransitionTime": stamp(world, 0.0)}
    spec: Obj = {}
    if noticed:
        noticed_at = min(e.t for e in world.trace.of_kind("node.not-ready")
                         if e.data.get("node") == name and e.t >= (node.failed_at or 0.0))
        condition = {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
                     "message": "Kubelet stopped posting node status.",
                     "lastHeartbeatTime": heartbeat,
                     "lastTransitionTime": stamp(world, noticed_at)}
        spec["taints"] = [{"key": "node.kubernetes.io/unreachable", "effect": effect}
                          for effect in ("NoSchedule", "NoExecute")]
    return {
        "kind": "Node", "apiVersion": "v1",
        "metadata": {
            "name": node.name, "uid": uid("node", node.name), "resourceVersion": "1",
            "creationTimestamp": stamp(world, 0.0),
            "labels": {"kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux"},
        },
        "spec": spec,
        "status": {
            "conditions": [condition],
            "capacity": NODE_CAPACITY, "allocatable": NODE_CAPACITY,
            "addresses": [{"type": "InternalIP", "address": node_ip(world, node.name)},
                          {"type": "Hostname", "address": node.name}],
            "nodeInfo": {"kubeletVersion": KUBELET_VERSION, "osImage": "Debian GNU/Linux 12",
                         "kernelVersion": "6.1.0", "containerRuntimeVersion": "containerd://2.1.0",
                         "operatingSystem": "linux", "architecture": "amd64"},
        },
    }


def kubelet_unreachable(world: World, node: str, path: str) -> ApiError:
    """What the apiserver answers when it cannot dial the node's kubelet."""
    ip = node_ip(world, node)
    return ApiError(500, "", f'{path.format(kubelet=f"https://{ip}:10250")}'
                    f"dial tcp {ip}:10250: i/o timeout")


def kubelet_reachable(world: World, node: str) -> bool:
    return any(n.name == node and n.ready for n in world.state.nodes)
