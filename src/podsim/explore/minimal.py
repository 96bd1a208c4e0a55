"""The minimal failing case: an exploration's smallest failure, shrunk to fewest writes.

An exploration reports its smallest failing case among the workloads it ran. A failure of
an 8-write workload is often the same failure with one write; this re-explores the failing
fault alone on the same workload with 1, 2, ... writes and keeps the first that breaks the
same invariant, at its earliest boundary.
"""

from dataclasses import dataclass, replace

from podsim.explore.result import Case, Result, scenario
from podsim.explore.runner import explore
from podsim.explore.workload import Workload


@dataclass(frozen=True)
class Minimal:
    workload: Workload
    case: Case

    @property
    def scenario(self) -> str:
        """Python a page can run that rebuilds this case and prints its violations."""
        return scenario(self.workload.to_dict(), self.case)


def minimal_failing(result: Result) -> Minimal | None:
    """The fewest writes, then the earliest boundary, that break what `result`'s smallest
    failing case breaks; None when nothing failed unexpectedly."""
    case = result.smallest_failing()
    if case is None:
        return None
    workload = Workload.from_dict(result.workloads[case.workload])
    broken = {v["invariant"] for v in case.unexpected()}
    for writes in range(1, workload.writes):
        smaller = replace(workload, writes=writes)
        found = _failing(explore([smaller], [case.fault], progress=False), broken)
        if found is not None:
            return Minimal(smaller, found)
    found = _failing(result, broken, workload_index=case.workload)
    return Minimal(workload, found or case)


def _failing(result: Result, broken: set[str], workload_index: int = 0) -> Case | None:
    hits = [c for c in result.cases if c.workload == workload_index
            and broken & {v["invariant"] for v in c.unexpected()}]
    return min(hits, key=lambda c: (c.boundary, c.fault)) if hits else None
