"""Named scenarios: short, readable setups that put a world through one incident."""

from podsim.scenarios.catalog import SCENARIOS, Scenario
from podsim.scenarios.runner import ScenarioResult, UnknownScenario, run_scenario

__all__ = ["SCENARIOS", "Scenario", "ScenarioResult", "UnknownScenario", "run_scenario"]
