"""Issue 12's edits to warnings and fact tables, each on a temporary copy of its page: the
page run fails, naming the page, the line and the claim (the page grammar the run reads is
the strict build's too)."""

from __future__ import annotations

import re
from pathlib import Path

from page_session import REPO, run_pages

UNPUSHED = REPO / "runbooks" / "unpushed-commits.md"
OPS = REPO / "docs" / "operations" / "runbook.md"
SAFE_RESTART = REPO / "runbooks" / "safe-restart.md"
ROTATE = REPO / "runbooks" / "rotate-deploy-key.md"


def _run_copy(workdir: Path, page: Path, text: str) -> tuple[int, str, Path]:
    copy = workdir / page.name
    copy.write_text(text)
    run = run_pages(workdir, copy)
    return run.returncode, run.output, copy


def _without_warning(text: str, claim: str) -> str:
    """`text` without the warning admonition declared as `claim` (and its claim comment)."""
    # The claim comment may carry attributes (breaks-if="...") after the id.
    comment = rf"<!-- claim: {re.escape(claim)}(?: [^>]*)? -->"
    edited, count = re.subn(comment + r"\n\n[!?]{3}.*\n(?:    .*\n|\n)*", "", text)
    assert count == 1, f"no warning declared as {claim}"
    return edited


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_removing_the_do_not_delete_danger_fails_its_check(tmp_path: Path) -> None:
    claim = "unpushed.pod-replacement-loses-listed-commits"
    text = _without_warning(UNPUSHED.read_text(), claim)
    assert "Do not delete, restart or roll out the pod" not in text
    code, output, copy = _run_copy(tmp_path, UNPUSHED, text)
    check = _line(text, f'```{{.python claim="{claim}"}}')
    assert code != 0
    assert f"{copy.name}:{check}: claim '{claim}' is not declared" in output


def test_reversing_the_ext_allow_guidance_fails_its_check(tmp_path: Path) -> None:
    claim = "ops.ext-allow-per-command"
    text = _without_warning(OPS.read_text(), claim).replace(
        "only serves fetches.\n",
        "only serves fetches. Allow the `ext::` transport once, in your configuration:\n"
        "`git config protocol.ext.allow always`.\n", 1)
    code, output, copy = _run_copy(tmp_path, OPS, text)
    check = _line(text, f'```{{.python claim="{claim}"}}')
    assert code != 0
    assert f"{copy.name}:{check}: claim '{claim}' is not declared" in output


def test_a_hand_written_cluster_facts_table_with_the_wrong_namespace_fails(
    tmp_path: Path,
) -> None:
    text = OPS.read_text().replace(
        "{{ cluster_facts_table() }}",
        "| What | Value |\n| --- | --- |\n| Namespace | `codeforphilly` |\n"
        "| Deployment and its only container | `codeforphilly` |", 1)
    code, output, copy = _run_copy(tmp_path, OPS, text)
    assert code != 0
    row = _line(text, "| Namespace | `codeforphilly` |")
    assert f"{copy.name}:{row}: cluster-facts table row 'Namespace' is written by hand" in output


def test_a_revoked_key_symptom_sent_to_the_restart_runbook_fails_there(tmp_path: Path) -> None:
    symptom = "  - logs: Permission denied (publickey)\n"
    assert symptom in ROTATE.read_text()
    text = SAFE_RESTART.read_text().replace("symptoms:\n", f"symptoms:\n{symptom}", 1)
    code, output, copy = _run_copy(tmp_path, SAFE_RESTART, text)
    assert code != 0
    line = _line(text, symptom)
    assert (f"{copy.name}:{line}: symptom claim 'logs: Permission denied (publickey)' does not "
            "hold") in output
