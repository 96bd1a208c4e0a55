"""The generated fact tables: cluster facts from deploy/, symptoms from runbooks."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest
from site_project import REPO, load_module

from docproof.authoring import CLUSTER_FACT_LABELS
from podsim.manifest import load_manifest
from podsim.scenarios.cluster_facts import ClusterFactsError, cluster_facts
from podsim.scenarios.export import ModelFacts, model_facts


def _module() -> ModuleType:
    return load_module("fact_tables", REPO / "hooks" / "_fact_tables.py")


tables = _module()


def test_cluster_facts_come_from_the_manifests(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    shutil.copytree(REPO / "deploy", deploy)
    overlay = deploy / "kustomize" / "overlays" / "sandbox" / "kustomization.yaml"
    overlay.write_text(overlay.read_text().replace("codeforphilly-rewrite-sandbox", "elsewhere"))
    facts = cluster_facts(load_manifest(deploy))
    assert (facts.namespace, facts.volume, facts.volume_kind, facts.data_path, facts.branch) == (
        "elsewhere", "data", "emptyDir", "/app/data", "published")
    assert "| Namespace | `elsewhere` |" in tables.render_cluster_facts(facts).splitlines()


def test_a_manifest_without_the_branch_is_one_clear_error(tmp_path: Path) -> None:
    deploy = shutil.copytree(REPO / "deploy", tmp_path / "deploy")
    config = deploy / "kustomize" / "base" / "configmap.yaml"
    config.write_text(config.read_text().replace("  CFP_DATA_BRANCH: published\n", ""))
    with pytest.raises(ClusterFactsError, match="environment has no CFP_DATA_BRANCH"):
        cluster_facts(load_manifest(deploy))


def test_the_table_uses_the_reserved_labels_and_survives_the_export() -> None:
    facts = ModelFacts.from_json(model_facts().to_json())
    rows = tables.render_cluster_facts(facts.cluster).splitlines()[2:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == list(CLUSTER_FACT_LABELS)
    assert rows[0] == "| Namespace | `codeforphilly-rewrite-sandbox` |"


def test_symptom_rows_link_each_runbook_by_title_from_the_page(tmp_path: Path) -> None:
    runbooks = tmp_path / "runbooks"
    runbooks.mkdir()
    (runbooks / "key.md").write_text(
        "---\nworld: fresh\nsymptoms:\n  - logs: Permission denied (publickey)\n"
        "  - need: The key must change\n---\n# Rotate the key\n")
    (runbooks / "none.md").write_text("# No symptoms\n")
    table = tables.render_symptom_table(tmp_path, "docs/operations/runbook.md").splitlines()
    assert table[2:] == ["| `Permission denied (publickey)` in the API's logs; or the key must "
                         "change | [Rotate the key](../../runbooks/key.md) |"]


def test_the_real_symptom_table_sends_a_revoked_key_to_the_rotation_runbook() -> None:
    table = tables.render_symptom_table(REPO, "docs/operations/runbook.md")
    (row,) = [line for line in table.splitlines() if "Permission denied (publickey)" in line]
    assert row.endswith("](../../runbooks/rotate-deploy-key.md) |")
