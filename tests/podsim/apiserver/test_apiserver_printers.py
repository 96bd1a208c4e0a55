"""The printers' rules on pod states the fresh worlds above do not reach."""

from datetime import UTC, datetime
from typing import Any

import pytest

from podsim.apiserver.clock_view import human_duration
from podsim.apiserver.printers import pod_cells

NOW = datetime(2026, 8, 15, 12, 10, 0, tzinfo=UTC)
CREATED = "2026-08-15T12:00:00Z"


@pytest.mark.parametrize(("seconds", "shown"), [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (125, "2m5s"),
    (599, "9m59s"), (600, "10m"), (10_799, "179m"), (10_800, "3h"), (3 * 3600 + 60, "3h1m"),
    (8 * 3600, "8h"), (47 * 3600 + 3599, "47h"), (48 * 3600, "2d"), (51 * 3600, "2d3h"),
    (8 * 86400, "8d"), (729 * 86400, "729d"), (800 * 86400, "2y70d"), (3000 * 86400, "8y"),
])
def test_human_duration_coarsens_as_the_span_grows(seconds: int, shown: str) -> None:
    assert human_duration(seconds) == shown


def _pod(state: dict[str, Any], *, phase: str = "Running", ready: bool = False,
         restarts: int = 0, last_finished: str | None = None, deleting: bool = False,
         reason: str | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "ready": ready, "restartCount": restarts,
                                 "state": state, "lastState": {}}
    if last_finished:
        container["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": last_finished}}
    meta: dict[str, Any] = {"name": "p", "creationTimestamp": CREATED}
    if deleting:
        meta["deletionTimestamp"] = "2026-08-15T12:10:30Z"
    status: dict[str, Any] = {"phase": phase, "containerStatuses": [container],
                              "podIPs": [{"ip": "10.0.0.5"}]}
    if reason:
        status["reason"] = reason
    return {"metadata": meta, "spec": {"containers": [{"name": "app"}], "nodeName": "n1"},
            "status": status}


def test_a_waiting_reason_is_the_status_and_restarts_say_when() -> None:
    pod = _pod({"waiting": {"reason": "CrashLoopBackOff"}}, restarts=4,
               last_finished="2026-08-15T12:09:15Z")
    assert pod_cells(pod, NOW) == ["p", "0/1", "CrashLoopBackOff", "4 (45s ago)", "10m",
                                   "10.0.0.5", "n1", "<none>", "<none>"]


@pytest.mark.parametrize(("terminated", "shown"), [
    ({"reason": "Error", "exitCode": 1}, "Error"),
    ({"reason": "OOMKilled", "exitCode": 137}, "OOMKilled"),
    ({"exitCode": 3}, "ExitCode:3"),
    ({"exitCode": 0, "signal": 9}, "Signal:9"),
])
def test_a_terminated_container_shows_its_reason_or_code(
    terminated: dict[str, Any], shown: str
) -> None:
    assert pod_cells(_pod({"terminated": terminated}), NOW)[2] == shown


def test_deletion_shows_terminating_unless_the_phase_is_final_or_the_node_is_lost() -> None:
    running = {"running": {"startedAt": CREATED}}
    assert pod_cells(_pod(running, ready=True, deleting=True), NOW)[1:3] == ["1/1", "Terminating"]
    done = {"terminated": {"reason": "Completed", "exitCode": 0}}
    assert pod_cells(_pod(done, phase="Succeeded", deleting=True), NOW)[2] == "Completed"
    lost = _pod(running, ready=True, deleting=True, reason="NodeLost")
    assert pod_cells(lost, NOW)[2] == "Unknown"


def test_an_evicted_pod_shows_the_pod_reason() -> None:
    evicted = _pod({"terminated": {"reason": "", "exitCode": 137}}, phase="Failed",
                   reason="Evicted")
    evicted["status"]["containerStatuses"] = []
    assert pod_cells(evicted, NOW)[1:3] == ["0/1", "Evicted"]
