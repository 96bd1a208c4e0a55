"""Exhaustive fault exploration: every fault kind at every step boundary of a workload."""

from podsim.explore.faults import FAULTS
from podsim.explore.invariants import INVARIANTS
from podsim.explore.minimal import Minimal, minimal_failing
from podsim.explore.result import Case, Result, merge
from podsim.explore.runner import explore, replay_case
from podsim.explore.workload import Workload

__all__ = ["FAULTS", "INVARIANTS", "Case", "Minimal", "Result", "Workload", "explore", "merge",
           "minimal_failing", "replay_case"]
