"""A reused continuation gives exactly what running the faulted world to quiescence gives."""

import subprocess

import pytest

from podsim.explore import Workload, explore
from podsim.explore.continuation import Continuations, Ending, Mark
from podsim.kubelet import Kubelet
from podsim.state import Pod

# Pod losses whose worlds meet (a fresh pod on the same origin, named after the rollout's
# time in a rollout), and restarts that meet at the restart (a liveness kill restarts later
# than an OOM kill).
FAULTS = ["oom-kill", "liveness-restart", "graceful-rollout", "eviction", "node-failure"]


def _reuses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the continuations an exploration reused, in order."""
    reused: list[str] = []
    real = Continuations.get

    def get(self: Continuations, mark: Mark) -> Ending | None:
        ending = real(self, mark)
        if ending is not None:
            reused.append(mark.key)
        return ending

    monkeypatch.setattr(Continuations, "get", get)
    return reused


@pytest.mark.parametrize("workload", [Workload(writes=1), Workload(writes=1, origin="refuse"),
                                      Workload(writes=2, origin="flapping",
                                               other_writer=True)])
def test_reused_continuations_give_the_result_of_running_every_one(
        monkeypatch: pytest.MonkeyPatch, workload: Workload) -> None:
    reused = _reuses(monkeypatch)
    memoised = explore([workload], FAULTS)
    assert reused, "no continuation was reused: this compares nothing"
    assert memoised.to_dict() == explore([workload], FAULTS, memoise=False).to_dict()


def test_each_exploration_starts_with_no_continuations(monkeypatch: pytest.MonkeyPatch) -> None:
    # A test may change the model between explorations: nothing run before may be reused.
    reused = _reuses(monkeypatch)
    explore([Workload(writes=1, origin="refuse")], ["pod-delete", "forced-delete"])
    first = list(reused)
    explore([Workload(writes=1, origin="refuse")], ["pod-delete", "forced-delete"])
    assert reused[len(first):] == first


def test_a_reused_continuation_reports_the_violations_running_it_reports(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A kubelet that wipes the volume on restart: an OOM kill and a crash at one boundary
    # reach one state, and both lose the writes (invariant 2), the second by reuse.
    real_start = Kubelet.start

    def wiping_start(self: Kubelet, pod: Pod) -> None:
        if pod.container.instance > 0:
            subprocess.run(["rm", "-rf", str(self.rt.mounts(pod).host_path("/app/data"))],
                           check=True)
        real_start(self, pod)

    monkeypatch.setattr(Kubelet, "start", wiping_start)
    reused = _reuses(monkeypatch)
    workload, faults = [Workload(writes=2, origin="refuse")], ["oom-kill", "process-crash"]
    memoised = explore(workload, faults)
    assert reused
    assert memoised.violations(expected=False)
    assert memoised.to_dict() == explore(workload, faults, memoise=False).to_dict()
