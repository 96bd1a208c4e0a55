"""Server-side printing: the columns and cells the apiserver's printers compute.

A Table carries every column, wide ones with priority 1; kubectl shows priority 0 columns
and adds the rest for `-o wide`. Cells are computed from the served objects (so a cell and
`-o json` never disagree) with ages measured in the world's virtual time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from podsim.apiserver.clock_view import human_duration

Obj = dict[str, Any]
Cells = list[Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    priority: int = 0
    format: str = ""

    def definition(self) -> Obj:
        return {"name": self.name, "type": self.type, "format": self.format,
                "description": "", "priority": self.priority}


NAME = Column("Name", format="name")
AGE = Column("Age")


def _since(now: datetime, stamp: str | None) -> str:
    """translateTimestampSince against the world's virtual now."""
    if not stamp:
        return "<unknown>"
    then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return human_duration((now - then).total_seconds())


# -- pods --------------------------------------------------------------------------------
POD_COLUMNS = (
    NAME, Column("Ready"), Column("Status"), Column("Restarts"), AGE,
    Column("IP", priority=1), Column("Node", priority=1),
    Column("Nominated Node", priority=1), Column("Readiness Gates", priority=1),
)


def pod_cells(pod: Obj, now: datetime) -> Cells:
    """printPod: READY, STATUS (phase, pod reason, container state, deletion), RESTARTS."""
    spec, status, meta = pod["spec"], pod["status"], pod["metadata"]
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    restarts, ready, running = 0, 0, False
    last_restart: str | None = None
    for container in reversed(status.get("containerStatuses", [])):
        restarts += container.get("restartCount", 0)
        finished = container.get("lastState", {}).get("terminated", {}).get("finishedAt")
        if finished and (last_restart is None or finished > last_restart):
            last_restart = finished
        state = container.get("state", {})
        waiting, terminated = state.get("waiting"), state.get("terminated")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
        elif terminated and terminated.get("reason"):
            reason = terminated["reason"]
        elif terminated:
            signal = terminated.get("signal", 0)
            reason = f"Signal:{signal}" if signal else f"ExitCode:{terminated['exitCode']}"
        elif container.get("ready") and "running" in state:
            running = True
            ready += 1
    if reason == "Completed" and running:
        reason = "Running" if _condition(status, "Ready") else "NotReady"
    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    restarts_cell = str(restarts)
    if restarts and last_restart:
        restarts_cell = f"{restarts} ({_since(now, last_restart)} ago)"
    gates = [g["conditionType"] for g in spec.get("readinessGates", [])]
    gate_cell = "<none>"
    if gates:
        met = sum(_condition(status, gate) for gate in gates)
        gate_cell = f"{met}/{len(gates)}"
    return [
        meta["name"], f"{ready}/{len(spec.get('containers', []))}", reason, restarts_cell,
        _since(now, meta.get("creationTimestamp")),
        (status.get("podIPs") or [{}])[0].get("ip") or "<none>",
        spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", gate_cell,
    ]


def _condition(status: Obj, kind: str) -> bool:
    return any(c["type"] == kind and c["status"] == "True" for c in status.get("conditions", []))


def _pod_row_conditions(pod: Obj) -> list[Obj]:
    phase = pod["status"].get("phase")
    if phase == "Succeeded":
        return [{"type": "Completed", "status": "True", "reason": "Succeeded",
                 "message": "The pod has completed successfully."}]
    if phase == "Failed":
        return [{"type": "Completed", "status": "True", "reason": "Failed",
                 "message": "The pod failed."}]
    return []


# -- deployments, replicasets, nodes -----------------------------------------------------
def _template_cells(template_spec: Obj, selector: Obj) -> Cells:
    containers = template_spec.get("containers", [])
    match = selector.get("matchLabels", {})
    return [",".join(c["name"] for c in containers), ",".join(c["image"] for c in containers),
            ",".join(f"{k}={v}" for k, v in sorted(match.items())) or "<none>"]


WIDE_TEMPLATE = (Column("Containers", priority=1), Column("Images", priority=1),
                 Column("Selector", priority=1))
DEPLOYMENT_COLUMNS = (NAME, Column("Ready"), Column("Up-to-date", "integer"),
                      Column("Available", "integer"), AGE, *WIDE_TEMPLATE)


def deployment_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj["spec"], obj.get("status", {})
    return [
        obj["metadata"]["name"],
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
        _since(now, obj["metadata"].get("creationTimestamp")),
        *_template_cells(spec["template"]["spec"], spec.get("selector", {})),
    ]


REPLICASET_COLUMNS = (NAME, Column("Desired", "integer"), Column("Current", "integer"),
                      Column("Ready", "integer"), AGE, *WIDE_TEMPLATE)


def replicaset_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj["spec"], obj.get("status", {})
    return [
        obj["metadata"]["name"], spec.get("replicas", 0), status.get("replicas", 0),
        status.get("readyReplicas", 0), _since(now, obj["metadata"].get("creationTimestamp")),
        *_template_cells(spec["template"]["spec"], spec.get("selector", {})),
    ]


NODE_COLUMNS = (NAME, Column("Status"), Column("Roles"), AGE, Column("Version"),
                Column("Internal-IP", priority=1), Column("External-IP", priority=1),
                Column("OS-Image", priority=1), Column("Kernel-Version", priority=1),
                Column("Container-Runtime", priority=1))


def node_cells(obj: Obj, now: datetime) -> Cells:
    status = obj["status"]
    ready = next((c["status"] for c in status["conditions"] if c["type"] == "Ready"), None)
    state = "Unknown" if ready is None else "Ready" if ready == "True" else "NotReady"
    if obj["spec"].get("unschedulable"):
        state += ",SchedulingDisabled"
    addresses = {a["type"]: a["address"] for a in status.get("addresses", [])}
    info = status.get("nodeInfo", {})
    return [
        obj["metadata"]["name"], state, "<none>",
        _since(now, obj["metadata"].get("creationTimestamp")), info.get("kubeletVersion", ""),
        addresses.get("InternalIP", "<none>"), addresses.get("ExternalIP", "<none>"),
        info.get("osImage", "<unknown>"), info.get("kernelVersion", "<unknown>"),
        info.get("containerRuntimeVersion", "<unknown>"),
    ]


NAMESPACE_COLUMNS = (NAME, Column("Status"), AGE)


def namespace_cells(obj: Obj, now: datetime) -> Cells:
    return [obj["metadata"]["name"], obj["status"]["phase"],
            _since(now, obj["metadata"].get("creationTimestamp"))]


SECRET_COLUMNS = (NAME, Column("Type"), Column("Data", "string"), AGE)


def secret_cells(obj: Obj, now: datetime) -> Cells:
    return [obj["metadata"]["name"], obj.get("type", ""), str(len(obj.get("data") or {})),
            _since(now, obj["metadata"].get("creationTimestamp"))]


EVENT_COLUMNS = (Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
                 Column("Subobject", priority=1), Column("Source", priority=1),
                 Column("Message"), Column("First Seen", priority=1),
                 Column("Count", "integer", priority=1), Column("Name", priority=1))


def event_cells(obj: Obj, now: datetime) -> Cells:
    """printEvent; `now` is the moment its (wall-mapped) timestamps are measured from."""
    involved = obj["involvedObject"]
    target = involved.get("kind", "").lower()
    if involved.get("name"):
        target += f"/{involved['name']}"
    source = obj.get("source", {})
    origin = ", ".join(v for v in (source.get("component", ""), source.get("host", "")) if v)
    return [_since(now, obj.get("lastTimestamp")), obj.get("type", ""), obj.get("reason", ""),
            target, involved.get("fieldPath", ""), origin, obj.get("message", "").strip(),
            _since(now, obj.get("firstTimestamp")), obj.get("count", 0),
            obj["metadata"]["name"]]


# -- the Table ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Printer:
    columns: tuple[Column, ...]
    cells: Callable[[Obj, datetime], Cells]
    row_conditions: Callable[[Obj], list[Obj]] = lambda _obj: []


DEFAULT = Printer((NAME, AGE), lambda obj, now: [
    obj["metadata"]["name"], _since(now, obj["metadata"].get("creationTimestamp"))])
PRINTERS = {
    "pods": Printer(POD_COLUMNS, pod_cells, _pod_row_conditions),
    "deployments": Printer(DEPLOYMENT_COLUMNS, deployment_cells),
    "replicasets": Printer(REPLICASET_COLUMNS, replicaset_cells),
    "nodes": Printer(NODE_COLUMNS, node_cells),
    "namespaces": Printer(NAMESPACE_COLUMNS, namespace_cells),
    "secrets": Printer(SECRET_COLUMNS, secret_cells),
    "events": Printer(EVENT_COLUMNS, event_cells),
}


def table(resource: str, objects: list[Obj], now: datetime, include: str) -> Obj:
    """A meta.k8s.io/v1 Table; `include` is the includeObject parameter."""
    printer = PRINTERS.get(resource, DEFAULT)
    rows = []
    for obj in objects:
        row: Obj = {"cells": printer.cells(obj, now)}
        conditions = printer.row_conditions(obj)
        if conditions:
            row["conditions"] = conditions
        if include == "Object":
            row["object"] = obj
        elif include != "None":
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                             "metadata": obj["metadata"]}
        rows.append(row)
    return {
        "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "1"},
        "columnDefinitions": [c.definition() for c in printer.columns], "rows": rows,
    }
