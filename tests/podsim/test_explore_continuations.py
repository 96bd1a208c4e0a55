"""A reused continuation gives exactly what running the faulted world to quiescence gives."""

import pytest

from podsim.explore import Workload, explore
from podsim.explore.continuation import Continuations, Ending, Mark

# Pod losses whose worlds meet (a fresh pod on the same origin), and restarts that do not.
FAULTS = ["oom-kill", "pod-delete", "forced-delete", "eviction", "node-failure"]


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
