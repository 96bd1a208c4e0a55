"""The scenario export and the model facts: what the CLI prints is what the typed loaders
read, with a schema version, and the fingerprint follows the model's files."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from podsim.api.backoff import DEFAULT_BACKOFF
from podsim.api.reconcile_table import outcome_rows
from podsim.scenarios.export import (
    BackoffFacts,
    ExportError,
    ModelFacts,
    ScenarioExport,
    export_scenario,
    model_facts,
)
from podsim.trace import LANES

SRC = Path(__file__).resolve().parents[2] / "src"


def podsim(*args: str, pythonpath: Path = SRC) -> str:
    done = subprocess.run([sys.executable, "-m", "podsim", *args], capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(pythonpath)})
    return done.stdout


def test_the_cli_prints_the_scenario_export() -> None:
    export = export_scenario("pod-delete")
    printed = json.loads(podsim("scenario", "run", "pod-delete", "--json"))
    assert printed == export.to_json()
    assert ScenarioExport.from_json(printed) == export


def test_the_export_groups_writes_by_fate_and_names_message_receivers() -> None:
    export = export_scenario("pod-delete")
    assert export.writes_by_fate() == {"origin": ["w-0001"], "lost": ["w-0002", "w-0003"]}
    assert export.fate_counts() == {"origin": 1, "conflict-branch": 0, "pod-only": 0, "lost": 2}
    assert export.reconcile_outcomes == ("in-sync", "in-sync")
    delete = next(e for e in export.events if e.kind == "pod.delete")
    wiped = next(e for e in export.events if e.kind == "volume.wiped")
    assert (delete.lane, delete.to) == ("operator", "kubelet")
    assert (wiped.lane, wiped.to) == ("volume", None)


def test_a_document_of_another_schema_or_shape_is_refused() -> None:
    raw = export_scenario("happy-path").to_json()
    with pytest.raises(ExportError, match="schema 1; this podsim reads schema 2"):
        ScenarioExport.from_json({**raw, "schema": 1})
    with pytest.raises(ExportError, match=r"has fields .*; expected \[.*'writes'\]"):
        ScenarioExport.from_json({k: v for k, v in raw.items() if k != "writes"})
    with pytest.raises(ExportError, match="do not match its writes"):
        ScenarioExport.from_json({**raw, "fates": {**raw["fates"], "lost": 9}})


def test_the_cli_prints_the_model_facts() -> None:
    facts = model_facts()
    printed = json.loads(podsim("facts", "--json"))
    assert printed == facts.to_json()
    assert ModelFacts.from_json(printed) == facts
    assert facts.lanes == LANES
    assert [list(row) for row in facts.reconcile_outcomes] == [list(r) for r in outcome_rows()]
    assert list(facts.reconcile_outcomes) == outcome_rows()


def test_backoff_facts_give_the_models_delay_after_every_failure() -> None:
    backoff = model_facts().backoff
    assert backoff.cap_s == DEFAULT_BACKOFF.cap_s
    assert backoff.first_capped_failure() == DEFAULT_BACKOFF.first_capped_failure()
    assert [backoff.delay_after(n) for n in range(1, 30)] == DEFAULT_BACKOFF.schedule(29)
    assert BackoffFacts(4.0, (1.0, 2.0, 4.0)).delay_after(7) == 4.0


def test_the_fingerprint_follows_source_and_deploy_but_not_bytecode(tmp_path: Path) -> None:
    shutil.copytree(SRC / "podsim", tmp_path / "src" / "podsim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SRC.parent / "deploy", tmp_path / "deploy")
    probe = "from podsim.scenarios.export import model_fingerprint; print(model_fingerprint())"

    def fingerprint() -> str:
        done = subprocess.run([sys.executable, "-B", "-c", probe], capture_output=True, text=True,
                              check=True, env={"PYTHONPATH": str(tmp_path / "src")})
        return done.stdout.strip()

    first = fingerprint()
    cache = tmp_path / "src" / "podsim" / "__pycache__"
    cache.mkdir()
    (cache / "stale.pyc").write_bytes(b"\0")
    assert fingerprint() == first
    manifest = next(p for p in (tmp_path / "deploy").rglob("*") if p.is_file())
    manifest.write_text(manifest.read_text() + "\n")
    second = fingerprint()
    assert second != first
    backoff = tmp_path / "src" / "podsim" / "api" / "backoff.py"
    backoff.write_text(backoff.read_text() + "\n")
    assert fingerprint() != second
