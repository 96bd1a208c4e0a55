"""Each invariant, broken on purpose in the model, is reported by exploration with a
smallest case that replays."""

import subprocess
from typing import Any

import pytest

from podsim.api import push_daemon, reconcile
from podsim.api.context import ProcessContext
from podsim.cluster import Cluster
from podsim.explore import Workload, explore, minimal_failing
from podsim.kubelet import Kubelet
from podsim.state import Pod


def _broken(result: Any) -> set[str]:
    return {v["invariant"] for c in result.cases for v in c.unexpected()}


def _replays(result: Any) -> Any:
    """The minimal failing case (fewest writes, earliest boundary), printed as Python, run on
    its own, fails the same way; returns that case."""
    minimal = minimal_failing(result)
    assert minimal is not None and minimal.case.unexpected()
    namespace: dict[str, Any] = {}
    exec(minimal.scenario, namespace)  # what a page would run
    replayed = namespace["case"]
    assert {v["invariant"] for v in replayed.unexpected()} >= {
        v["invariant"] for v in minimal.case.unexpected()}
    assert minimal.workload.writes <= min(w["writes"] for w in result.workloads)
    return minimal


def test_the_unbroken_model_keeps_every_invariant() -> None:
    result = explore([Workload(writes=2, other_writer=True)])
    assert result.states > 20
    assert _broken(result) == set()


def test_a_daemon_that_force_pushes_breaks_append_only_and_fast_forward(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_git = ProcessContext.git

    def force(self: ProcessContext, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        if args and args[0] == "push":
            args = ("push", "--force", *args[1:])
        return real_git(self, *args, **kw)

    monkeypatch.setattr(ProcessContext, "git", force)
    result = explore([Workload(writes=1, other_writer=True, sigterm_handler=True)],
                     faults=["liveness-restart", "graceful-rollout"])
    assert {"1:origin-append-only", "4:branch-moves-forward"} <= _broken(result)
    _replays(result)


def test_a_reconcile_that_resets_without_escaping_breaks_restart_keeps_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Divergence no longer replays the local commits: the branch just takes origin's tip.
    monkeypatch.setattr(reconcile, "_replay", lambda tally, base, old, remote_tip: remote_tip)
    result = explore([Workload(writes=1, other_writer=True)], faults=["oom-kill"])
    assert "2:restart-keeps-writes" in _broken(result)
    _replays(result)


def test_a_kubelet_that_wipes_the_volume_on_restart_breaks_restart_keeps_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_start = Kubelet.start

    def wiping_start(self: Kubelet, pod: Pod) -> None:
        if pod.container.instance > 0:  # a restart, not the pod's first start
            data = self.rt.mounts(pod).host_path("/app/data")
            subprocess.run(["rm", "-rf", str(data)], check=True)
        real_start(self, pod)

    monkeypatch.setattr(Kubelet, "start", wiping_start)
    result = explore([Workload(writes=1, origin="refuse")], faults=["process-crash"])
    assert "2:restart-keeps-writes" in _broken(result)
    _replays(result)


def test_a_drain_switch_that_does_not_drain_breaks_rollout_drains(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The switch is on, but stop() abandons the push in flight.
    monkeypatch.setattr(push_daemon, "stop", lambda ctx, timeout_s=0.0: 0.0)
    result = explore([Workload(writes=3, sigterm_handler=True)], faults=["graceful-rollout"])
    assert "5:rollout-drains" in _broken(result)
    minimal = _replays(result)
    # shrunk: one write, struck while its push runs (the write's own boundary)
    assert (minimal.workload.writes, minimal.case.boundary) == (1, 1)


def test_without_the_switch_a_rollout_loss_is_expected_by_name() -> None:
    result = explore([Workload(writes=1)], faults=["graceful-rollout"])
    assert _broken(result) == set()
    assert result.violations(expected=True) == {"5:rollout-drains (no-drain)": 1}


def test_a_forced_delete_that_waits_breaks_pod_loss_loses_only_local(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # --force --grace-period=0 no longer kills at once: the drain still pushes, so what was
    # local-only at the fault is no longer exactly what is lost.
    real_delete = Cluster.delete_pod

    def graceful(self: Cluster, pod: Pod, grace_s: float | None, force: bool) -> None:
        real_delete(self, pod, None, False)

    monkeypatch.setattr(Cluster, "delete_pod", graceful)
    result = explore([Workload(writes=1, sigterm_handler=True)], faults=["forced-delete"])
    assert "3:pod-loss-loses-only-local" in _broken(result)
    _replays(result)


def test_a_write_committed_during_the_running_push_is_an_expected_rollout_loss() -> None:
    # Writes 0.5 s apart, pushes take 1 s: the second write lands while the first push
    # runs. stop() lets that push finish and starts no other (FACTS §2.8), so the second
    # write is lost by name, while the first (inside the running push) must survive.
    result = explore([Workload(writes=2, gap_s=0.5, sigterm_handler=True)],
                     faults=["graceful-rollout"])
    assert _broken(result) == set()
    assert result.violations(expected=True) == {
        "5:rollout-drains (coalesced-behind-push)": 1}
    lossy = [c for c in result.cases if c.violations]
    assert [c.fates for c in lossy] == [{"w-0001": "origin", "w-0002": "lost"}]
