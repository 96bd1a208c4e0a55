"""The runner and the site read claim ids with one grammar: same pages, same verdicts.

Each page goes through the runner (an inner pytest session) and through the site (a strict
mkdocs build of the sample site with that page added), under the same repository path, so
both must name the same `file:line` and say the same thing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from site_project import SiteProject

PROBLEM = "must be dotted lowercase words"
CASES = {
    # A claim option written without quotes is still that claim, for both.
    "unquoted-option": (
        "# Unquoted\n\n<!-- claim: sample.unquoted -->\nA claim checked below.\n\n"
        "```{.console claim=sample.unquoted}\n$ echo hi\nhi\n```\n"
    ),
    # Underscores and empty words are not claim ids, in a marker or in an option.
    "underscore-marker": "# Underscore\n\n<!-- claim: sample.a_b -->\nA sentence.\n",
    "double-dot-marker": "# Double dot\n\n<!-- claim: sample..b -->\nA sentence.\n",
    "underscore-option": (
        "# Underscore\n\n<!-- claim: sample.ab -->\nA sentence.\n\n"
        "```{.console claim=sample.a_b}\n$ echo hi\nhi\n```\n"
    ),
    "double-dot-option": (
        "# Double dot\n\n<!-- claim: sample.cd -->\nA sentence.\n\n"
        '```{.console claim="sample..d"}\n$ echo hi\nhi\n```\n'
    ),
    # A warning is a claim: without a claim comment before it, the page is refused.
    "unclaimed-danger": (
        '# Danger\n\nText.\n\n!!! danger "Do not delete the pod"\n    It loses commits.\n'
    ),
    "unclaimed-warning": '# Warning\n\n???+ warning "Careful"\n    Harm.\n',
}
REFUSED = {
    "underscore-marker": (3, "claim id 'sample.a_b' " + PROBLEM),
    "double-dot-marker": (3, "claim id 'sample..b' " + PROBLEM),
    "underscore-option": (6, "claim id 'sample.a_b' " + PROBLEM),
    "double-dot-option": (6, "claim id 'sample..d' " + PROBLEM),
    "unclaimed-danger": (5, "danger admonition 'Do not delete the pod' is not a claim"),
    "unclaimed-warning": (3, "warning admonition 'Careful' is not a claim"),
}


def _page(case: str) -> str:
    return f"specs/cases/{case}.md"


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """Every case page run by docproof in one session: its output and its report."""
    root = tmp_path_factory.mktemp("runner")
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    for case, text in CASES.items():
        (root / _page(case)).parent.mkdir(parents=True, exist_ok=True)
        (root / _page(case)).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["HOME"] = str(root)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--continue-on-collection-errors", *map(_page, CASES)],
        cwd=root, env=env, capture_output=True, text=True, timeout=100, check=False,
    )
    report = json.loads((root / ".docproof" / "report.json").read_text())
    return done.stdout + done.stderr, report


def _site(project: SiteProject, case: str) -> subprocess.CompletedProcess[str]:
    page = project.root / _page(case)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(CASES[case])
    project.nav.append((case, _page(case)))
    return project.build()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_claim_id_is_refused_by_both_at_the_same_line(
    runner: tuple[str, dict[str, Any]], project: SiteProject, case: str
) -> None:
    line, message = REFUSED[case]
    located = f"{_page(case)}:{line}: {message}"
    output, report = runner
    assert located in output
    assert not [b for b in report["blocks"] if b["file"] == _page(case) and b["status"] == "pass"]
    built = _site(project, case)
    assert built.returncode != 0
    assert located in built.stderr


def test_an_unquoted_claim_option_checks_its_claim_for_both(
    runner: tuple[str, dict[str, Any]], project: SiteProject
) -> None:
    _, report = runner
    page = _page("unquoted-option")
    block = next(b for b in report["blocks"] if b["file"] == page)
    assert (block["line"], block["claim"], block["status"]) == (6, "sample.unquoted", "pass")
    built = _site(project, "unquoted-option")
    assert built.returncode == 0, built.stderr
    index = project.html("claims")
    section = index.split('<h2 id="sample.unquoted"')[-1].split("<h2")[0]
    assert "cases/unquoted-option/#docproof-L6" in section
