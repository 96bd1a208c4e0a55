"""The site shows, per claim, the drifts its checks were shown to fail under."""

from __future__ import annotations

import html
import json
from pathlib import Path

from site_project import Elements, SiteProject

SPEC = "specs/behaviors/sample.md"
CLAIM = "sample.lost-on-pod-delete"
PVC = "the data clone sits on a PersistentVolumeClaim, which outlives the pod"
ROLLING = "the Deployment rolls out with RollingUpdate"


def _project(tmp_path: Path, shown: dict[str, bool] | None) -> SiteProject:
    project = SiteProject.sample(tmp_path)
    page = project.root / SPEC
    marker = f"<!-- claim: {CLAIM} -->"
    text = page.read_text()
    assert marker in text
    page.write_text(text.replace(
        marker, f'<!-- claim: {CLAIM} breaks-if="volume-is-pvc,rolling-update" -->'))
    if shown is not None:
        report = {
            "schema": 1,
            "drifts": {"volume-is-pvc": {"description": PVC},
                       "rolling-update": {"description": ROLLING}},
            "claims": [{"id": CLAIM, "file": SPEC, "line": 10,
                        "breaks_if": ["volume-is-pvc", "rolling-update"],
                        "shown": all(shown.values()),
                        "drifts": {name: {"shown": ok, "checks": []}
                                   for name, ok in shown.items()}}],
        }
        (project.root / ".docproof" / "sensitivity.json").write_text(json.dumps(report))
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project


def test_chip_and_index_say_which_drifts_the_claim_was_shown_to_fail_under(
        tmp_path: Path) -> None:
    project = _project(tmp_path, {"volume-is-pvc": True, "rolling-update": False})
    chip = Elements(project.html(SPEC.removesuffix(".md"))).by_id(f"claim-{CLAIM}")
    expected = (f"Shown to fail when {PVC} (volume-is-pvc). "
                f"NOT shown to fail when {ROLLING} (rolling-update).")
    assert chip["title"] == expected
    assert f'<p class="docproof-claim-drifts">{html.escape(expected)}</p>' in project.html(
        "claims")


def test_without_a_sensitivity_report_the_drifts_are_listed_as_not_run(
        tmp_path: Path) -> None:
    project = _project(tmp_path, None)
    chip = Elements(project.html(SPEC.removesuffix(".md"))).by_id(f"claim-{CLAIM}")
    assert chip["title"] == ("Must fail when: volume-is-pvc, rolling-update "
                             "(no sensitivity report).")
