"""The cluster-scoped objects the endpoint serves (Namespace, Node), from a world."""

from podsim.apiserver.clock_view import stamp
from podsim.apiserver.objects import Obj, node_ip, uid
from podsim.world import World

KUBELET_VERSION = "v1.37.1"


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
    node = next(n for n in world.state.nodes if n.name == name)
    ready = "True" if node.ready else "Unknown"
    return {
        "kind": "Node", "apiVersion": "v1",
        "metadata": {
            "name": node.name, "uid": uid("node", node.name), "resourceVersion": "1",
            "creationTimestamp": stamp(world, 0.0),
            "labels": {"kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux"},
        },
        "spec": {},
        "status": {
            "conditions": [{"type": "Ready", "status": ready,
                            "reason": "KubeletReady" if node.ready else "NodeStatusUnknown"}],
            "addresses": [{"type": "InternalIP", "address": node_ip(world, node.name)},
                          {"type": "Hostname", "address": node.name}],
            "nodeInfo": {"kubeletVersion": KUBELET_VERSION, "osImage": "Debian GNU/Linux 12",
                         "kernelVersion": "6.1.0", "containerRuntimeVersion": "containerd://2.1.0",
                         "operatingSystem": "linux", "architecture": "amd64"},
        },
    }
