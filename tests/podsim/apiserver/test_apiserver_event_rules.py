"""Which Events a pod gets, rebuilt from trace entries (the rules the endpoint serves)."""

from typing import Any

import pytest
from apiserver_rig import NS

from podsim.apiserver.clock_view import human_duration
from podsim.apiserver.event_rules import EVENT_TTL_S, EventRow, pod_events
from podsim.manifest import Manifest, load_manifest
from podsim.state import Container, Pod
from podsim.trace import TraceEntry
from podsim.world import DEFAULT_DEPLOY_DIR

NAME = "codeforphilly-abc-x1"
REF = "spec.containers{codeforphilly}: "
IMAGE = "ghcr.io/codeforphilly/codeforphilly-ng:sandbox"
SPEC: dict[str, Any] = {
    "imagePullPolicy": "Always",
    "ports": [{"name": "http", "containerPort": 3001}],
    "livenessProbe": {"httpGet": {"path": "/api/health", "port": "http"}},
}


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(DEFAULT_DEPLOY_DIR)


def pod() -> Pod:
    return Pod(name=NAME, uid="uid123", replicaset="abc", node="node-1", ip="10.244.1.11",
               created_at=0.0, labels={}, container=Container("codeforphilly"))


def entry(t: float, kind: str, detail: str = "", **data: Any) -> TraceEntry:
    return TraceEntry(t, kind, "kubelet", detail, {"pod": NAME, **data})


def age(row: EventRow, now: float) -> str:
    """The Age cell kubectl prints for an event that happened first..last, count times."""
    if row.count == 1:
        return human_duration(now - row.first)
    return (f"{human_duration(now - row.last)} (x{row.count} over "
            f"{human_duration(now - row.first)})")


def rows(manifest: Manifest, entries: list[TraceEntry], now: float,
         spec: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    found = pod_events(pod(), entries, manifest, SPEC if spec is None else spec, now)
    return [(r.reason, age(r, now), r.message) for r in found]


def test_a_new_pod_is_scheduled_pulled_created_and_started(manifest: Manifest) -> None:
    entries = [entry(0, "pod.created"), entry(0, "container.start"),
               TraceEntry(1, "container.start", "kubelet", "", {"pod": "someone-else"})]
    found = pod_events(pod(), entries, manifest, SPEC, 95)
    assert [(r.type, r.reason, r.source) for r in found] == [
        ("Normal", "Scheduled", "default-scheduler"), ("Normal", "Pulling", "kubelet"),
        ("Normal", "Pulled", "kubelet"), ("Normal", "Created", "kubelet"),
        ("Normal", "Started", "kubelet")]
    assert [r.message for r in found] == [
        f"Successfully assigned {NS}/{NAME} to node-1",
        f'{REF}Pulling image "{IMAGE}"',
        f'{REF}Successfully pulled image "{IMAGE}" in 1.843s (1.843s including waiting). '
        "Image size: 187342516 bytes.",
        f"{REF}Created container: codeforphilly",
        f"{REF}Started container codeforphilly",
    ]
    assert {age(r, 95) for r in found} == {"95s"}


def test_if_not_present_finds_the_image_on_the_node(manifest: Manifest) -> None:
    found = rows(manifest, [entry(0, "container.start")], 5, spec={})
    assert found[0] == ("Pulled", "5s",
                        f'{REF}Container image "{IMAGE}" already present on machine')
    assert [r[0] for r in found] == ["Pulled", "Created", "Started"]


def test_identical_events_aggregate_and_rows_sort_by_last_occurrence(
        manifest: Manifest) -> None:
    entries = [entry(0, "pod.created"), entry(0, "container.start"),
               entry(100, "container.backoff"), entry(110, "container.start"),
               entry(400, "container.backoff"), entry(700, "container.start")]
    found = rows(manifest, entries, 760)
    assert [(reason, age) for reason, age, _ in found] == [
        ("Scheduled", "12m"),
        ("BackOff", "6m (x2 over 11m)"),
        ("Pulling", "60s (x3 over 12m)"),
        ("Pulled", "60s (x3 over 12m)"),
        ("Created", "60s (x3 over 12m)"),
        ("Started", "60s (x3 over 12m)"),
    ]
    assert found[1][2] == (f"{REF}Back-off restarting failed container codeforphilly in pod "
                           f"{NAME}_{NS}(uid123)")


def test_events_expire_an_hour_after_their_last_occurrence(manifest: Manifest) -> None:
    entries = [entry(0, "pod.created"), entry(0, "container.start"),
               entry(100, "container.backoff"), entry(200, "container.backoff")]
    assert [r[0] for r in rows(manifest, entries, 200 + EVENT_TTL_S)] == ["BackOff"]
    assert rows(manifest, entries, 201 + EVENT_TTL_S) == []
    # After a gap longer than the TTL the old event object is gone: counting starts again.
    entries.append(entry(300 + EVENT_TTL_S, "container.backoff"))
    assert rows(manifest, entries, 360 + EVENT_TTL_S)[-1][:2] == ("BackOff", "60s")
    assert pod_events(pod(), entries, manifest, SPEC, 360 + EVENT_TTL_S)[-1].count == 1


def test_liveness_failures_at_probe_times_then_the_kill(manifest: Manifest) -> None:
    assert manifest.liveness is not None
    period = manifest.liveness.period_s  # 30 s, failureThreshold 3
    entries = [entry(0, "container.start"), entry(400, "probe.liveness-failed"),
               entry(400, "signal.sigterm"), entry(400, "container.exit"),
               entry(400, "container.start"), entry(500, "pod.delete"),
               entry(500, "signal.sigterm")]
    found = pod_events(pod(), entries, manifest, SPEC, 520)
    unhealthy = next(r for r in found if r.reason == "Unhealthy")
    assert (unhealthy.type, unhealthy.first, unhealthy.last, unhealthy.count) == (
        "Warning", 400 - 2 * period, 400, 3)
    assert unhealthy.message == (
        f'{REF}Liveness probe failed: Get "http://10.244.1.11:3001/api/health": context '
        "deadline exceeded (Client.Timeout exceeded while awaiting headers)")
    killing = [(r.last, r.message) for r in found if r.reason == "Killing"]
    assert killing == [
        (400, f"{REF}Container codeforphilly failed liveness probe, will be restarted"),
        (500, f"{REF}Stopping container codeforphilly"),  # the delete, not the liveness kill
    ]
    assert [r.reason for r in found][-2:] == ["Started", "Killing"]


def test_evictions(manifest: Manifest) -> None:
    pressure = [entry(0, "container.start"),
                entry(50, "pod.evicted", f"{NAME}: The node was low on resource: memory.",
                      cause="node-pressure")]
    assert rows(manifest, pressure, 60)[-2:] == [
        ("Evicted", "10s", "The node was low on resource: memory."),
        ("Killing", "10s", f"{REF}Stopping container codeforphilly")]
    node = [entry(0, "pod.created"),
            TraceEntry(40, "node.not-ready", "kubelet", "", {"node": "node-1"}),
            TraceEntry(40, "node.not-ready", "kubelet", "", {"node": "node-2"}),
            entry(340, "pod.evicted", f"{NAME}: node node-1 unreachable",
                  cause="node-unreachable")]
    assert rows(manifest, node, 400) == [
        ("Scheduled", "6m40s", f"Successfully assigned {NS}/{NAME} to node-1"),
        ("NodeNotReady", "6m", "Node is not ready"),
        ("TaintManagerEviction", "60s", f"Marking for deletion Pod {NS}/{NAME}"),
    ]
