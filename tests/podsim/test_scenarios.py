"""Scenario fates match docs/reference/sources.md#fates; the CLI reports them deterministically."""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from podsim.durations import PLUGIN_TIMEOUT_S, Durations
from podsim.scenarios import SCENARIOS, run_scenario
from podsim.scenarios.export import ScenarioExport

# scenario -> (fate counts, reconcile outcomes in order)
EXPECTED = {
    "happy-path": ({"origin": 3}, ["in-sync"]),
    "oom-kill": ({"origin": 3}, ["in-sync", "pushed-ahead"]),
    "process-crash": ({"origin": 3}, ["in-sync", "pushed-ahead"]),
    "liveness-restart": ({"origin": 3}, ["in-sync", "pushed-ahead"]),
    "graceful-rollout": ({"origin": 1, "lost": 2}, ["in-sync", "in-sync"]),
    "pod-delete": ({"origin": 1, "lost": 2}, ["in-sync", "in-sync"]),
    "node-failure": ({"origin": 1, "lost": 2}, ["in-sync", "in-sync"]),
    "eviction": ({"origin": 1, "lost": 2}, ["in-sync", "in-sync"]),
    "origin-outage": ({"origin": 3}, ["in-sync"]),
    "deploy-key-revoked": ({"origin": 2}, ["in-sync"]),
    "protected-branch": ({"pod-only": 2}, ["in-sync"]),
    "non-fast-forward": ({"origin": 1}, ["in-sync", "rebased"]),
    "diverged-conflict": ({"conflict-branch": 1}, ["in-sync", "conflict-escaped"]),
    "conflict-push-fails": ({"lost": 1}, ["in-sync", "conflict-escaped", "in-sync"]),
    "rollout-mid-push": ({"lost": 1}, ["in-sync", "in-sync"]),
    "rollout-mid-push-drained": ({"origin": 1}, ["in-sync", "in-sync"]),
    "diverged-old-git": ({"conflict-branch": 1}, ["in-sync", "conflict-escaped"]),
    "interrupted-clone": ({"origin": 3}, ["in-sync"]),
    "stranded-on-pod": ({"pod-only": 2}, ["in-sync", "conflict-escaped"]),
    "deploy-key-revoked-backlog": ({"pod-only": 2}, ["in-sync"]),
    "conflict-local-only": ({"pod-only": 1}, ["in-sync", "conflict-escaped"]),
    "boot-brownout": ({"origin": 2}, ["in-sync", "pushed-ahead"]),
    "memory-eviction": ({"origin": 1, "lost": 2}, ["in-sync", "in-sync"]),
    "heap-exhaustion": ({"origin": 3}, ["in-sync", "pushed-ahead"]),
    "rolling-update-two-writers": ({"origin": 2, "pod-only": 1}, ["in-sync", "in-sync"]),
    "container-restart-by-exec": ({"origin": 3}, ["in-sync", "pushed-ahead"]),
}


def test_every_scenario_has_an_expectation() -> None:
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_scenario_fates(scenario_export: Callable[[str], ScenarioExport], name: str) -> None:
    result = scenario_export(name).to_json()
    fates, outcomes = EXPECTED[name]
    assert {fate: n for fate, n in result["fates"].items() if n} == fates
    assert result["reconcile_outcomes"] == outcomes


def test_boot_brownout_crash_loops_through_the_plugin_timeout(tmp_path: Path) -> None:
    world = run_scenario("boot-brownout", tmp_path / "world").world
    timeouts = world.trace.of_kind("api.plugin-timeout")
    starts = [e.t for e in world.trace.of_kind("container.start")][1:]  # restarts only
    # Each restart during the brownout opens the store (no clone: the volume has it), hangs
    # in reconcile's fetch and dies 30 s after that plugin began.
    began = [t + Durations().store_open_s for t in starts[: len(timeouts)]]
    assert [t.t for t in timeouts] == [t + PLUGIN_TIMEOUT_S for t in began]
    assert len(timeouts) >= 4 and all(t.data["plugin"] == "reconcile" for t in timeouts)
    assert [e.data["delay_s"] for e in world.trace.of_kind("container.backoff")][:4] == [
        10, 20, 40, 80]
    fatal = [json.loads(line) for line in world.pod().container.previous_logs
             if '"level":60' in line]
    assert fatal[-1]["code"] == "FST_ERR_PLUGIN_TIMEOUT"
    assert "Plugin did not start in time: 'reconcile'" in fatal[-1]["msg"]


def test_loss_scenarios_lose_exactly_the_local_only_writes(
    scenario_export: Callable[[str], ScenarioExport],
) -> None:
    fates = {write.id: write.fate for write in scenario_export("pod-delete").writes}
    assert fates == {"w-0001": "origin", "w-0002": "lost", "w-0003": "lost"}


def test_memory_eviction_removes_the_pod_with_the_kubelets_message(tmp_path: Path) -> None:
    result = run_scenario("memory-eviction", tmp_path / "world")
    (evicted,) = [p for p in result.world.pods() if p.phase == "Failed"]
    assert evicted.reason == "Evicted"
    assert evicted.message is not None
    assert evicted.message.startswith("The node was low on resource: memory. ")
    assert result.world.trace.of_kind("volume.wiped")
    assert result.fates == {"w-0001": "origin", "w-0002": "lost", "w-0003": "lost"}


def test_memory_ends_three_ways_and_only_eviction_loses_the_backlog(
    tmp_path: Path, scenario_export: Callable[[str], ScenarioExport],
) -> None:
    # cgroup OOM kill and V8 heap exhaustion restart the container in the same pod
    for name, reason, code in (("oom-kill", "OOMKilled", 137), ("heap-exhaustion", "Error", 134)):
        result = run_scenario(name, tmp_path / name)
        (pod,) = result.world.pods()
        assert pod.container.last_terminated is not None
        assert (pod.container.last_terminated.reason,
                pod.container.last_terminated.exit_code) == (reason, code)
        assert not result.world.trace.of_kind("volume.wiped")
        assert set(result.fates.values()) == {"origin"}
    # the heap-exhaustion world is the last of the loop's
    assert any("JavaScript heap out of memory" in line
               for line in result.world.pod().container.previous_logs)
    # node memory pressure removes the pod: the backlog goes with its volume
    evicted = scenario_export("memory-eviction")
    assert sorted(write.fate for write in evicted.writes) == ["lost", "lost", "origin"]


def test_rolling_update_runs_two_writers_and_the_later_push_is_rejected(tmp_path: Path) -> None:
    result = run_scenario("rolling-update-two-writers", tmp_path / "world")
    pods = {w.id: w.pod for w in result.world.state.writes}
    assert pods["w-0002"] != pods["w-0003"]  # two pods wrote, each to its own clone
    assert result.fates == {"w-0001": "origin", "w-0002": "origin", "w-0003": "pod-only"}
    (rejected,) = result.world.trace.of_kind("origin.reject")
    assert rejected.detail == "non-fast-forward"


def test_container_restart_by_exec_keeps_the_pod(tmp_path: Path) -> None:
    result = run_scenario("container-restart-by-exec", tmp_path / "world")
    (pod,) = result.world.pods()
    assert pod.container.restart_count == 1
    assert pod.container.last_terminated is not None
    assert pod.container.last_terminated.exit_code == 143
    assert not result.world.trace.of_kind("volume.wiped")


def test_conflict_push_failure_is_logged_as_local_only(tmp_path: Path) -> None:
    result = run_scenario("conflict-push-fails", tmp_path / "world")
    rejected = result.world.trace.of_kind("origin.reject")
    assert any(e.detail.startswith("conflicts/") for e in rejected)


def podsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "podsim", *args], capture_output=True, text=True, check=False
    )


def test_cli_json_is_complete_and_repeatable() -> None:
    first, second = (
        podsim("scenario", "run", "oom-kill", "--json"),
        podsim("scenario", "run", "oom-kill", "--json"),
    )
    assert first.returncode == 0 and first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert {"scenario", "seed", "writes", "fates", "reconcile_outcomes", "events"} <= set(report)
    assert report["writes"][0] == {"id": "w-0001", "fate": "origin"}
    assert all({"t", "kind"} <= set(event) for event in report["events"])


def test_cli_lists_and_rejects_unknown_names() -> None:
    listed = podsim("scenario", "list")
    assert listed.stdout.splitlines()[0].startswith("happy-path ")
    unknown = podsim("scenario", "run", "no-such-thing")
    assert unknown.returncode == 2
    assert "unknown scenario 'no-such-thing'" in unknown.stderr and "pod-delete" in unknown.stderr


def test_cli_timeline_is_readable() -> None:
    done = podsim("scenario", "run", "pod-delete")
    assert done.returncode == 0
    assert "volume.wiped" in done.stdout and done.stdout.rstrip().endswith("lost 2")
