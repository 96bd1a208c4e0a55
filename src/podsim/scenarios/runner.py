"""Running a scenario in a fresh world and summarising what became of each write."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podsim.scenarios.catalog import SCENARIOS
from podsim.world import DEFAULT_DEPLOY_DIR, World


class UnknownScenario(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown scenario {self.name!r}; valid scenarios: {', '.join(SCENARIOS)}"


@dataclass
class ScenarioResult:
    name: str
    seed: int
    world: World
    fates: dict[str, str]

    def reconcile_outcomes(self) -> list[str]:
        return [str(e.data["outcome"]) for e in self.world.trace.of_kind("reconcile.outcome")]


def create_world(
    name: str, root: Path, seed: int = 0, deploy_dir: Path = DEFAULT_DEPLOY_DIR
) -> World:
    """A fresh world configured for scenario `name`, before its setup has run."""
    scenario = _lookup(name)
    return World.create(
        root,
        seed=seed,
        deploy_dir=deploy_dir,
        git_version=scenario.git_version,
        sigterm_handler=scenario.sigterm_handler,
    )


def run_scenario(name: str, root: Path, seed: int = 0) -> ScenarioResult:
    """Run scenario `name` in a new world at `root`."""
    scenario = _lookup(name)
    world = create_world(name, root, seed)
    scenario.setup(world)
    return ScenarioResult(name, seed, world, world.fates())


def _lookup(name: str) -> Any:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise UnknownScenario(name) from None
