"""metrics.k8s.io, as metrics-server serves it, for `kubectl top pod`.

The simulator models no CPU or memory use, so usage is a fixed steady-state figure per pod
(derived from its uid). A container has metrics once it has run for one scrape window and
while its node's kubelet can be reached; kubectl itself reports the pods that have none.
"""

import hashlib
import math

from podsim.apiserver.clock_view import stamp
from podsim.apiserver.cluster_objects import kubelet_reachable
from podsim.apiserver.objects import Obj
from podsim.apiserver.status import ApiError
from podsim.state import Pod
from podsim.world import World

WINDOW_S = 15.0  # metrics-server's resolution: a container is reported after one window


def _usage(pod: Pod) -> Obj:
    seed = int(hashlib.sha256(pod.uid.encode()).hexdigest()[:8], 16)
    return {"cpu": f"{2 + seed % 4}m", "memory": f"{300 + seed % 40}Mi"}


def _measured(world: World, pod: Pod) -> bool:
    c = pod.container
    return (c.state == "running" and c.started_at is not None
            and world.now - c.started_at >= WINDOW_S and kubelet_reachable(world, pod.node))


def pod_metrics(world: World, namespace: str | None) -> list[Obj]:
    if namespace not in (None, world.manifest.namespace):
        return []
    scraped = stamp(world, math.floor(world.now / WINDOW_S) * WINDOW_S)
    return [{
        "kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": pod.name, "namespace": world.manifest.namespace,
                     "creationTimestamp": stamp(world, world.now),
                     "labels": dict(sorted(pod.labels.items()))},
        "timestamp": scraped, "window": f"{WINDOW_S:g}s",
        "containers": [{"name": pod.container.name, "usage": _usage(pod)}],
    } for pod in sorted(world.state.pods, key=lambda p: p.name) if _measured(world, pod)]


def pod_metrics_missing(namespace: str, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'podmetrics.metrics.k8s.io "{namespace}/{name}" not found',
                    {"name": f"{namespace}/{name}", "group": "metrics.k8s.io",
                     "kind": "podmetrics"})
