"""Events (core/v1) for the world's pods, rebuilt from its trace.

Which events a pod gets, and how identical ones aggregate into one object with a count,
are the rules of podsim.apiserver.event_rules. Server-side
cells (`kubectl get events`) and `kubectl describe` (which computes the Events ages itself,
from the wall clock) must both show ages as in the world, so the timestamps served are
virtual times moved onto the wall clock as it reads at the request: now in the world is
now on the wall.
"""

import hashlib
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from podsim.apiserver.event_rules import pod_events
from podsim.apiserver.objects import manifest_document
from podsim.world import World

Obj = dict[str, Any]


def _wall_stamp(world: World, t: float, wall_now: datetime) -> str:
    """Virtual time `t` on the wall clock, so that its age read a moment later is the age
    a printer computes in the world. Half a second is added to the age (Go parses the
    fraction), so the truncated age survives the time kubectl takes to print it."""
    age_s = int(world.now - math.floor(t))
    moment = wall_now - timedelta(seconds=age_s + 0.5)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def event_objects(world: World, wall_now: datetime | None = None) -> list[Obj]:
    """Every live event of every pod; name order is the order they first happened in."""
    wall_now = wall_now or datetime.now(UTC)
    m = world.manifest
    container = manifest_document(world)["spec"]["template"]["spec"]["containers"][0]
    prefix = f"spec.containers{{{m.container}}}: "
    found = []
    for pod in world.state.pods:
        rows = pod_events(pod, world.trace.entries, m, container, world.now)
        # An event is named when it first happens; events of one instant keep their order.
        by_first = sorted(enumerate(rows), key=lambda item: (item[1].first, item[0]))
        for order, (_, row) in enumerate(by_first):
            message, field_path = row.message, ""
            if message.startswith(prefix):
                message, field_path = message[len(prefix):], prefix[:-2]
            digest = hashlib.sha256(f"{pod.uid}:{row.reason}:{row.first}".encode()).hexdigest()
            name = f"{pod.name}.{int(row.first * 1e9):016x}{order:04x}"
            involved: Obj = {"kind": "Pod", "namespace": m.namespace, "name": pod.name,
                             "uid": pod.uid, "apiVersion": "v1"}
            if field_path:
                involved["fieldPath"] = field_path
            first = _wall_stamp(world, row.first, wall_now)
            last = _wall_stamp(world, row.last, wall_now)
            source: Obj = {"component": row.source}
            if row.source == "kubelet":
                source["host"] = pod.node
            found.append({
                "kind": "Event", "apiVersion": "v1",
                "metadata": {"name": name, "namespace": m.namespace, "uid": digest[:32],
                             "resourceVersion": "1", "creationTimestamp": first},
                "involvedObject": involved, "reason": row.reason, "message": message,
                "source": source, "firstTimestamp": first, "lastTimestamp": last,
                "count": row.count, "type": row.type, "eventTime": None,
                "reportingComponent": row.source, "reportingInstance": source.get("host", ""),
            })
    return sorted(found, key=lambda e: str(e["metadata"]["name"]))
