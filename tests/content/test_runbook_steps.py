"""Each runbook step matters: without the step that fixes the cause, the page's last block
(the resolution check) fails."""

from pathlib import Path
from typing import Any

from page_session import REPO, run_pages

PAGE = REPO / "runbooks" / "unpushed-commits.md"
FIX_STEP = "```{.python}\nworld.origin.protect_branch(False)\n```\n"


def run_page(workdir: Path, text: str) -> tuple[int, str, dict[str, Any]]:
    """Run one page in its own pytest session, with the repository's conftest as a plugin."""
    page = workdir / PAGE.name
    page.write_text(text)
    run = run_pages(workdir, page)
    return run.returncode, run.output, run.report


def last_block(report: dict[str, Any]) -> dict[str, Any]:
    return max(report["blocks"], key=lambda block: block["line"])


def test_unmodified_runbook_passes(tmp_path: Path) -> None:
    code, output, report = run_page(tmp_path, PAGE.read_text())
    assert code == 0, output
    assert {block["status"] for block in report["blocks"]} == {"pass"}
    assert last_block(report)["claim"] == "unpushed.resolved"


def test_runbook_without_the_fix_fails_at_the_resolution_check(tmp_path: Path) -> None:
    text = PAGE.read_text()
    assert text.count(FIX_STEP) == 1, "the fix step moved: update FIX_STEP"
    code, output, report = run_page(tmp_path, text.replace(FIX_STEP, ""))
    assert code == 1
    final = last_block(report)
    assert final["claim"] == "unpushed.resolved" and final["status"] == "fail", output
    # The assert on the block's first line is what fails: the writes are still pod-only.
    assert final["reason"].startswith(f"{PAGE.name}:{final['line'] + 1}: Python block raised")
    failed = {block["claim"] for block in report["blocks"] if block["status"] == "fail"}
    assert "unpushed.fix-waits-for-next-retry" not in failed
