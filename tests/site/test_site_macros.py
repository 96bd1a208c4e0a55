"""Macros: tables and diagrams rendered from podsim's export, re-read when the model changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from site_project import REPO, SiteProject, load_module

from podsim.api.backoff import Backoff
from podsim.scenarios.export import ExportedEvent, ScenarioExport, WriteFate
from podsim.trace import LANES


def _macros() -> ModuleType:
    return load_module("site_macros", REPO / "hooks" / "macros.py")


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


def event(t: float, kind: str, lane: str, detail: str = "", to: str | None = None
          ) -> ExportedEvent:
    return ExportedEvent(t, kind, lane, detail, to)


def test_sequence_diagram_draws_lanes_messages_and_notes() -> None:
    trace = [
        event(0.0, "write", "api", "commit a1"),
        event(1.5, "push", "push-daemon", "refs; #1", to="origin"),
        event(30, "volume wiped", "volume", "<pod replaced>"),
    ]
    assert macros.sequence_diagram(trace, LANES).splitlines() == [
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
        macros.sequence_diagram([event(0, "x", "scheduler")], LANES)


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


def test_a_failing_podsim_export_is_named() -> None:
    with pytest.raises(macros.ModelExportFailed,
                       match=r"`podsim scenario run no-such-thing --json` exited 2: .*unknown"):
        macros.podsim_json(["scenario", "run", "no-such-thing", "--json"])


def test_backoff_rows_accumulate_waiting_time() -> None:
    assert macros.backoff_rows(Backoff(1.0, 2.0, 4.0), 4) == [
        (1, 1.0, 1.0), (2, 2.0, 3.0), (3, 4.0, 7.0), (4, 4.0, 11.0)
    ]


def _export(name: str, *fates: str) -> ScenarioExport:
    writes = tuple(WriteFate(f"w-{n}", fate) for n, fate in enumerate(fates, 1))
    return ScenarioExport(name, 0, writes, ("in-sync",), (event(0.0, "write", "api"),))


def test_scenario_exports_are_cached_until_the_model_changes(tmp_path: Path) -> None:
    fingerprint, asked = ["model-1"], []

    def produce(args: list[str]) -> object:
        asked.append(args)
        return _export(args[2], "origin").to_json()

    def exports() -> object:
        return macros.ModelExports(tmp_path / "cache", produce, lambda: fingerprint[0])

    first = exports().scenario("happy-path")
    assert first == _export("happy-path", "origin")
    assert exports().scenario("happy-path") == first
    assert asked == [["scenario", "run", "happy-path", "--json"]]
    fingerprint[0] = "model-2"
    assert exports().scenario("happy-path") == first
    assert len(asked) == 2
    with pytest.raises(ValueError, match="not a podsim scenario name"):
        exports().scenario("../escape")


def test_a_malformed_export_is_refused_and_not_cached(tmp_path: Path) -> None:
    def produce(args: list[str]) -> object:
        return {**_export(args[2], "origin").to_json(), "schema": 0}

    with pytest.raises(macros.ModelExportFailed, match="cannot read: scenario export has schema 0"):
        macros.ModelExports(tmp_path, produce, lambda: "model").scenario("happy-path")
    assert not list(tmp_path.iterdir())


def test_fault_rows_count_each_fate_and_say_what_became_of_the_pod() -> None:
    created = event(0, "pod.created", "kubelet")
    started = event(0, "container.start", "kubelet", to="api")
    oom = _export("oom-kill", "origin", "origin")
    deleted = _export("pod-delete", "origin", "lost", "lost")
    runs = {
        "oom-kill": ScenarioExport("oom-kill", 0, oom.writes, (), (created, started, started)),
        "pod-delete": ScenarioExport("pod-delete", 0, deleted.writes, (),
                                     (created, started, created, started)),
    }
    rows = macros.fault_rows(runs, {"pod-delete": "wiped | gone", "oom-kill": "kept"})
    assert macros.markdown_table(rows).splitlines() == [
        "| Scenario | Writes | What became of them | Pod afterwards | Mechanism |",
        "| --- | --- | --- | --- | --- |",
        "| `pod-delete` | 3 | "
        '<span class="docproof-fate docproof-fate--origin">1 on origin</span>, '
        '<span class="docproof-fate docproof-fate--lost"><strong>2 lost</strong></span> '
        "| replaced | wiped \\| gone |",
        '| `oom-kill` | 2 | <span class="docproof-fate docproof-fate--origin">2 on origin</span> '
        "| same pod, 1 restart | kept |",
    ]
    with pytest.raises(ValueError, match=r"fates \['vanished'\]"):
        macros.fault_rows({"x": _export("x", "vanished")}, {"x": ""})


@pytest.mark.parametrize(("seconds", "text"), [(0, "00:00"), (5.5, "00:05.5"),
                                               (1028.5, "17:08.5"), (4101.5, "1:08:21.5")])
def test_clock_shows_minutes_and_seconds(seconds: float, text: str) -> None:
    assert macros.clock(seconds) == text


# A pod-delete story: boot, a pushed write, two writes refused three times, the pod replaced.
_STORY = (
    event(0, "pod.created", "kubelet", "app-pg8lx8gnfb-6z8t7 on node-1"),
    event(0, "reconcile.outcome", "api", "in-sync"),
    event(0, "write", "api", "w-1 people/a.toml", to="push-daemon"),
    event(0, "push-daemon.attempt", "push-daemon", "attempt 1", to="origin"),
    event(0.5, "origin.accept", "origin", "published at 03c30a5", to="push-daemon"),
    event(5, "write", "api", "w-2 people/b.toml", to="push-daemon"),
    event(5.5, "origin.reject", "origin", "unknown", to="push-daemon"),
    event(7, "origin.reject", "origin", "unknown", to="push-daemon"),
    event(9.5, "origin.reject", "origin", "unknown", to="push-daemon"),
    event(25, "pod.delete", "operator", "app-pg8lx8gnfb-6z8t7 (grace 30s)", to="kubelet"),
    event(25, "volume.wiped", "volume", "emptyDir data of app-pg8lx8gnfb-6z8t7"),
    event(25, "pod.created", "kubelet", "app-pg8lx8gnfb-qrkg4 on node-1"),
    event(25, "reconcile.outcome", "api", "in-sync"),
)


def test_write_story_keeps_the_events_that_matter_to_writes() -> None:
    lines = macros.write_story_diagram(_STORY).splitlines()
    assert lines[:3] == ["```mermaid", macros.STORY_CONFIG, "sequenceDiagram"]
    assert lines[7:] == [
        "    api->>push_daemon: 00:00 write w-1",
        "    origin->>push_daemon: 00:00.5 pushed: published at 03c30a5",
        "    api->>push_daemon: 00:05 write w-2",
        "    origin--xpush_daemon: 00:05.5-00:09.5 push refused \u00d73: unknown",
        "    Note over k8s: 00:25 pod deleted (grace 30s)",
        "    Note over k8s: 00:25 volume wiped",
        "    Note over k8s: 00:25 new pod",
        "    Note over api: 00:25 reconcile: in-sync",
        "```",
    ]


def test_write_timeline_says_where_each_write_went_and_when() -> None:
    run = ScenarioExport("pod-delete", 0, (WriteFate("w-1", "origin"), WriteFate("w-2", "lost")),
                         ("in-sync", "in-sync"), _STORY)
    rows = macros.write_timeline(run)
    assert [(r["Write"], r["Acknowledged (pod only)"], r["Then"]) for r in rows] == [
        ("`w-1`", "00:00", "on origin at 00:00.5"),
        ("`w-2`", "00:05", "lost with the pod's volume at 00:25"),
    ]
    assert 'docproof-fate--lost">lost<' in rows[1]["Fate"]


def test_the_story_names_only_registered_trace_kinds() -> None:
    from podsim.trace import KINDS

    shown = {*macros.STORY_NOTES, *macros.STORY_MESSAGES, "pod.created"}
    landings = {landing[0] for _, landing in macros.WRITE_LANDINGS.values() if landing}
    assert shown | landings <= set(KINDS)


def test_report_excerpt_shows_a_real_claim_and_its_check() -> None:
    report = {
        "blocks": [{"file": "a.md", "line": 3, "lang": "python", "status": "pass"},
                   {"file": "b.md", "line": 9, "lang": "console", "status": "pass"}],
        "claims": [
            {"id": "a.py-checked", "file": "a.md", "line": 1, "status": "pass",
             "checks": [{"file": "a.md", "line": 3, "status": "pass"}]},
            {"id": "b.failing", "file": "b.md", "line": 1, "status": "fail",
             "checks": [{"file": "b.md", "line": 9, "status": "fail"}]},
            {"id": "b.command", "file": "b.md", "line": 5, "status": "pass",
             "checks": [{"file": "b.md", "line": 9, "status": "pass"}]},
        ],
        "summary": {"blocks": 2},
    }
    excerpt = macros.report_excerpt(report)
    assert excerpt.startswith("```{.json}\n") and excerpt.endswith("\n```")
    shown = json.loads(excerpt.removeprefix("```{.json}\n").removesuffix("\n```"))
    assert [c["id"] for c in shown["claims"]] == ["b.command"]  # verified, checked by a command
    assert shown["blocks"] == [report["blocks"][1]] and shown["summary"] == {"blocks": 2}
    with pytest.raises(ValueError, match="no verified claim"):
        macros.report_excerpt({**report, "claims": report["claims"][1:2]})


def test_write_story_shows_a_push_the_rollout_catches_in_flight() -> None:
    story = (
        event(0, "write", "api", "w-1 people/a.toml", to="push-daemon"),
        event(0, "push-daemon.attempt", "push-daemon", "attempt 1", to="origin"),
        event(0, "rollout.restart", "operator", "revision 2", to="kubelet"),
        event(0, "container.exit", "kubelet", "app-pg8lx8gnfb-6z8t7: Error (exit 143)"),
    )
    assert macros.write_story_diagram(story).splitlines()[7:-1] == [
        "    api->>push_daemon: 00:00 write w-1",
        "    push_daemon-)origin: 00:00 push in flight",
        "    Note over k8s: 00:00 rollout restart",
        "    Note over api: 00:00 container exits (exit 143)",
    ]
    landed = (*story[:2], event(0.5, "origin.accept", "origin", "published at 1", "push-daemon"),
              story[3])
    assert "in flight" not in macros.write_story_diagram(landed)
