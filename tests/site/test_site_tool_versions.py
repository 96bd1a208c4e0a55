"""The footer's "Verified with kubectl X to Y": from the report's blocks and the version matrix."""

from __future__ import annotations

import json

from site_project import SiteProject

SPEC, RUNBOOK = "specs/behaviors/sample.md", "runbooks/sample-incident.md"


def test_footers_name_the_kubectl_versions_that_verified_each_page(
    project: SiteProject,
) -> None:
    report_file = project.root / ".docproof" / "report.json"
    report = json.loads(report_file.read_text())
    for block in report["blocks"]:
        # A failing block's version verified nothing; passing ones did.
        block["tools"] = {"kubectl": "1.36.3" if block["status"] == "fail" else "1.37.1"}
    report_file.write_text(json.dumps(report))
    matrix = {"tool": "kubectl", "pages": [RUNBOOK, SPEC], "passed": ["1.37.1"], "runs": {
        "1.27.16": {"source": "kubectl.1.27", "failed_pages": [SPEC]},
        "1.33.4": {"source": "kubectl.1.33", "failed_pages": []},
        "1.37.1": {"source": "pinned", "failed_pages": []}}}
    (project.root / ".docproof" / "kubectl-matrix.json").write_text(json.dumps(matrix))
    result = project.build()
    assert result.returncode == 0, result.stderr
    runbook = project.html("runbooks/sample-incident")
    assert "Verified with kubectl 1.27.16&ndash;1.37.1.</p>" in runbook
    spec = project.html("specs/behaviors/sample")
    assert "Verified with kubectl 1.33.4&ndash;1.37.1.</p>" in spec
    assert "1.36.3" not in spec


def test_without_tools_the_footer_names_none(project: SiteProject) -> None:
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert "Verified with" not in project.html("specs/behaviors/sample")
