"""Issue 12's edits to warnings and fact tables, each on a temporary copy of its page: the
page run fails, naming the page, the line and the claim (the page grammar the run reads is
the strict build's too).

The edited copies run together, each in its own folder (and, as every page, its own
sandbox and world), in as few pytest sessions as keep two copies of one page apart: a
second copy would declare the first one's claims again, and declare the claim whose warning
the other copy removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from page_session import REPO, PageRun, run_copies

UNPUSHED = REPO / "runbooks" / "unpushed-commits.md"
OPS = REPO / "docs" / "operations" / "runbook.md"
SAFE_RESTART = REPO / "runbooks" / "safe-restart.md"
ROTATE = REPO / "runbooks" / "rotate-deploy-key.md"


def _edits() -> dict[str, tuple[Path, str]]:
    """Case -> (page, its edited text)."""
    return {
        "danger-removed": (UNPUSHED, _without_warning(
            UNPUSHED.read_text(), "unpushed.pod-replacement-loses-listed-commits")),
        "ext-allow-reversed": (OPS, _without_warning(OPS.read_text(), "ops.ext-allow-per-command")
                               .replace("only serves fetches.\n",
                                        "only serves fetches. Allow the `ext::` transport once, "
                                        "in your configuration:\n"
                                        "`git config protocol.ext.allow always`.\n", 1)),
        "facts-by-hand": (OPS, OPS.read_text().replace(
            "{{ cluster_facts_table() }}",
            "| What | Value |\n| --- | --- |\n| Namespace | `codeforphilly` |\n"
            "| Deployment and its only container | `codeforphilly` |", 1)),
        "symptom-misrouted": (SAFE_RESTART, SAFE_RESTART.read_text().replace(
            "symptoms:\n", f"symptoms:\n{SYMPTOM}", 1)),
    }


SYMPTOM = "  - logs: Permission denied (publickey)\n"


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, PageRun]]:
    """Case -> (the copy as the run names it, its text, the run that ran it)."""
    workdir = tmp_path_factory.mktemp("warning-drifts")
    edits = _edits()
    runs = run_copies(workdir, edits)
    return {case: (f"{case}/{page.name}", text, runs[case])
            for case, (page, text) in edits.items()}


def _fails(case: tuple[str, str, PageRun]) -> str:
    """The run's output, once its report shows the copy failing."""
    shown, _, run = case
    assert run.returncode != 0, run.output
    assert "fail" in run.statuses(shown), run.output
    return run.output


def _without_warning(text: str, claim: str) -> str:
    """`text` without the warning admonition declared as `claim` (and its claim comment)."""
    # The claim comment may carry attributes (breaks-if="...") after the id.
    comment = rf"<!-- claim: {re.escape(claim)}(?: [^>]*)? -->"
    edited, count = re.subn(comment + r"\n\n[!?]{3}.*\n(?:    .*\n|\n)*", "", text)
    assert count == 1, f"no warning declared as {claim}"
    return edited


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_removing_the_do_not_delete_danger_fails_its_check(
    edited: dict[str, tuple[str, str, PageRun]],
) -> None:
    claim = "unpushed.pod-replacement-loses-listed-commits"
    shown, text, _ = edited["danger-removed"]
    assert "Do not delete, restart or roll out the pod" not in text
    check = _line(text, f'```{{.python claim="{claim}"}}')
    assert f"{shown}:{check}: claim '{claim}' is not declared" in _fails(edited["danger-removed"])


def test_reversing_the_ext_allow_guidance_fails_its_check(
    edited: dict[str, tuple[str, str, PageRun]],
) -> None:
    claim = "ops.ext-allow-per-command"
    shown, text, _ = edited["ext-allow-reversed"]
    assert "`git config protocol.ext.allow always`" in text
    check = _line(text, f'```{{.python claim="{claim}"}}')
    output = _fails(edited["ext-allow-reversed"])
    assert f"{shown}:{check}: claim '{claim}' is not declared" in output


def test_a_hand_written_cluster_facts_table_with_the_wrong_namespace_fails(
    edited: dict[str, tuple[str, str, PageRun]],
) -> None:
    shown, text, _ = edited["facts-by-hand"]
    row = _line(text, "| Namespace | `codeforphilly` |")
    assert (f"{shown}:{row}: cluster-facts table row 'Namespace' is written by hand"
            in _fails(edited["facts-by-hand"]))


def test_a_revoked_key_symptom_sent_to_the_restart_runbook_fails_there(
    edited: dict[str, tuple[str, str, PageRun]],
) -> None:
    assert SYMPTOM in ROTATE.read_text()
    _, text, _ = edited["symptom-misrouted"]
    line = _line(text, SYMPTOM)
    # The world's error names the page by its file name.
    assert (f"{SAFE_RESTART.name}:{line}: symptom claim 'logs: Permission denied (publickey)' "
            "does not hold") in _fails(edited["symptom-misrouted"])
