"""Macros: tables and diagrams rendered from the model, and the model re-read on every build."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from site_project import REPO, SiteProject


def _macros() -> ModuleType:
    spec = importlib.util.spec_from_file_location("site_macros", REPO / "hooks" / "macros.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


macros = _macros()

# Builds the sample site twice in one process, as `mkdocs serve` rebuilds do, changing only the
# model's backoff cap in between, and prints each build's spec page separated by a marker.
_REBUILD = """
import logging
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

model = Path("src/podsim/api/backoff.py")
page = Path("site/specs/behaviors/sample/index.html")
logging.basicConfig(level=logging.WARNING)
build(load_config("mkdocs.yml"))
first = page.read_text()
model.write_text(model.read_text().replace(sys.argv[1], sys.argv[2]))
build(load_config("mkdocs.yml"))
print(first, "=====", page.read_text())
"""


def test_backoff_table_follows_the_models_cap_without_a_markdown_edit(
    project: SiteProject,
) -> None:
    # The model: podsim's source and the deployment manifest it reads.
    shutil.copytree(REPO / "src" / "podsim", project.root / "src" / "podsim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "deploy", project.root / "deploy")
    default_cap = "cap_s: float = 3600.0"
    assert default_cap in (project.root / "src/podsim/api/backoff.py").read_text()
    markdown_before = (project.root / "specs/behaviors/sample.md").read_text()

    result = project.run("-c", _REBUILD, default_cap, "cap_s: float = 4.0",
                         pythonpath=project.root / "src")

    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split("=====")
    assert "doubles up to 1 h." in before
    assert "<td>4</td>\n<td>8 s</td>\n<td>15 s</td>" in before
    assert "doubles up to 4 s." in after
    assert "<td>4</td>\n<td>4 s</td>\n<td>11 s</td>" in after
    assert (project.root / "specs/behaviors/sample.md").read_text() == markdown_before


def test_sequence_diagram_draws_lanes_messages_and_notes() -> None:
    trace = [
        {"t": 0.0, "kind": "write", "lane": "api", "detail": "commit a1"},
        {"t": 1.5, "kind": "push", "lane": "push-daemon", "detail": "refs; #1", "to": "origin"},
        {"t": 30, "kind": "volume wiped", "lane": "volume", "detail": "<pod replaced>"},
    ]
    assert macros.sequence_diagram(trace).splitlines() == [
        "```mermaid",
        "sequenceDiagram",
        "    participant api as API",
        "    participant push_daemon as Push daemon",
        "    participant origin as Origin",
        "    participant volume as Volume (emptyDir)",
        "    Note over api: t=0s write: commit a1",
        "    push_daemon->>origin: t=1.5s push: refs#59; #35;1",
        "    Note over volume: t=30s volume wiped: #lt;pod replaced#gt;",
        "```",
    ]


def test_sequence_diagram_refuses_an_unknown_lane() -> None:
    with pytest.raises(ValueError, match=r"trace lanes \['scheduler'\]"):
        macros.sequence_diagram([{"t": 0, "kind": "x", "lane": "scheduler", "detail": ""}])


def test_markdown_table_needs_the_same_columns_in_every_row() -> None:
    assert macros.markdown_table([{"Case": "a|b", "Outcome": "kept"}]) == (
        "| Case | Outcome |\n| --- | --- |\n| a\\|b | kept |"
    )
    with pytest.raises(ValueError, match="does not have the columns"):
        macros.markdown_table([{"Case": "a"}, {"Outcome": "b"}])


def test_fate_list_renders_one_item_per_key() -> None:
    fate = {"lost": ["w3", "w4"], "published": [], "conflict branch": "none"}
    assert macros.fate_list(fate) == (
        "- **lost**: w3, w4\n- **published**: none\n- **conflict branch**: none"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 s"), (256, "4 min 16 s"), (3600, "1 h"), (93600, "1 d 2 h"), (0.5, "0.5 s")],
)
def test_duration(seconds: float, text: str) -> None:
    assert macros.duration(seconds) == text


def test_a_missing_podsim_source_is_named() -> None:
    with pytest.raises(macros.MacroSourceMissing, match=r"podsim\.api\.backoff\.NO_SUCH"):
        macros._podsim_attr("podsim.api.backoff", "NO_SUCH")


def test_backoff_rows_accumulate_waiting_time(tmp_path: Path) -> None:
    from podsim.api.backoff import Backoff

    assert macros.backoff_rows(Backoff(1.0, 2.0, 4.0), 4) == [
        (1, 1.0, 1.0), (2, 2.0, 3.0), (3, 4.0, 7.0), (4, 4.0, 11.0)
    ]


def test_scenario_runs_are_cached_until_the_model_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "world.py").write_text("CAP = 1\n")
    runs: list[str] = []

    def simulate(name: str) -> object:
        runs.append(name)
        return macros.ScenarioRun({"origin": ["w-1"]}, [{"t": 0.0, "kind": "write",
                                                         "lane": "api", "detail": "", "to": None}])

    monkeypatch.setattr(macros, "_scenario", simulate)
    monkeypatch.setattr(macros, "_model_paths", lambda: [model])
    cache = tmp_path / "cache"

    first = macros.ScenarioRuns(cache).get("happy-path")
    assert macros.ScenarioRuns(cache).get("happy-path") == first
    assert runs == ["happy-path"]
    (model / "world.py").write_text("CAP = 2\n")
    assert macros.ScenarioRuns(cache).get("happy-path") == first
    assert runs == ["happy-path", "happy-path"]
    with pytest.raises(ValueError, match="not a podsim scenario name"):
        macros.ScenarioRuns(cache).get("../escape")


def test_fault_rows_count_each_fate_and_say_what_became_of_the_pod() -> None:
    def created(t: float) -> dict[str, object]:
        return {"t": t, "kind": "pod.created", "lane": "kubelet", "detail": "", "to": None}

    def started(t: float) -> dict[str, object]:
        return {"t": t, "kind": "container.start", "lane": "kubelet", "detail": "", "to": None}

    runs = {
        "oom-kill": macros.ScenarioRun({"origin": ["w-1", "w-2"]},
                                       [created(0), started(0), started(25)]),
        "pod-delete": macros.ScenarioRun({"origin": ["w-1"], "lost": ["w-2", "w-3"]},
                                         [created(0), started(0), created(25), started(25)]),
    }
    rows = macros.fault_rows(runs, {"pod-delete": "wiped | gone", "oom-kill": "kept"})
    assert macros.markdown_table(rows).splitlines() == [
        "| Scenario | Writes | What became of them | Pod afterwards | Mechanism |",
        "| --- | --- | --- | --- | --- |",
        "| `pod-delete` | 3 | 1 on origin, **2 lost** | replaced | wiped \\| gone |",
        "| `oom-kill` | 2 | 2 on origin | same pod, 1 restart | kept |",
    ]
    with pytest.raises(ValueError, match=r"fates \['vanished'\]"):
        macros.fault_rows({"x": macros.ScenarioRun({"vanished": ["w-1"]}, [])}, {"x": ""})
