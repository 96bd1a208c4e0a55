"""Fixtures of the podsim tests.

Each scenario's export, produced once per test session and read by every test that checks
something about it (its fates, its events' lanes): a run is deterministic given its name, so
the first xdist worker to need one writes it to the temporary folder the workers share and
the other reads it back through the export's own reader. A worker that asks while the other
is making it waits for it (a lock per scenario) instead of making it a second time."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable

import pytest

from podsim.scenarios.export import ScenarioExport, export_scenario


@pytest.fixture(scope="session")
def scenario_export(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ScenarioExport]:
    """`scenario_export(name)`: the export of scenario `name` (seed 0)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "scenario-exports"
    folder.mkdir(exist_ok=True)
    made: dict[str, ScenarioExport] = {}

    def export(name: str) -> ScenarioExport:
        if name not in made:
            path = folder / f"{name}.json"
            with (folder / f"{name}.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
                if path.exists():
                    made[name] = ScenarioExport.from_json(json.loads(path.read_text()))
                else:
                    made[name] = export_scenario(name)
                    partial = path.with_suffix(f".{os.getpid()}.partial")
                    partial.write_text(json.dumps(made[name].to_json()))
                    partial.replace(path)  # whole or absent for a reader without the lock
        return made[name]

    return export
