"""Each runbook fix matters: without the step that fixes the cause, the check that claims the
fix worked fails, and it is the first Python block of the page to fail."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from page_session import REPO, run_pages

UNPUSHED = REPO / "runbooks" / "unpushed-commits.md"
WONT_BOOT = REPO / "runbooks" / "api-wont-boot.md"


@dataclass(frozen=True)
class FixStep:
    page: Path
    step: str  # the block that fixes the cause, exactly as the page has it
    check: str  # the claim of the Python block that proves the fix worked
    failing: str  # the assert in that block which the missing fix trips


FIX_STEPS = {
    "unpushed-protection-lifted": FixStep(
        UNPUSHED,
        "```{.python}\nworld.origin.protect_branch(False)\n```\n",
        "unpushed.resolved",
        'assert set(world.fates().values()) == {"origin"}',
    ),
    "wont-boot-deploy-key-rotated": FixStep(
        WONT_BOOT,
        "```{.python}\nworld.origin.rotate_deploy_key()\n```\n",
        "boot.key-fix-recovers-in-place",
        "assert pod.container.is_ready(world.now), pod.container.reason",
    ),
    "wont-boot-history-restored": FixStep(
        WONT_BOOT,
        '```{.console}\n$ bad=$(git rev-parse origin/published)\n'
        "$ good=$(git rev-parse 'origin/published@{1}')\n"
        '$ git push -q origin "$bad:refs/heads/replaced-published"\n'
        '$ git push -q --force-with-lease="published:$bad" origin "$good:refs/heads/published"\n'
        "```\n",
        "boot.restored-history-pushes-backlog",
        "assert pod.name == looping_pod and pod.container.is_ready(world.now)",
    ),
}


def run_page(workdir: Path, page: Path, text: str) -> tuple[int, str, dict[str, Any]]:
    """Run one page in its own pytest session, with the repository's conftest as a plugin."""
    copy = workdir / page.name
    copy.write_text(text)
    run = run_pages(workdir, copy)
    return run.returncode, run.output, run.report


def last_block(report: dict[str, Any]) -> dict[str, Any]:
    return max(report["blocks"], key=lambda block: block["line"])


def line_of(text: str, after: str, needle: str) -> int:
    """The 1-based line of the first `needle` below the first `after` in `text`."""
    start = text.index(after)
    return text.count("\n", 0, text.index(needle, start)) + 1


def test_unmodified_runbook_passes(tmp_path: Path) -> None:
    code, output, report = run_page(tmp_path, UNPUSHED, UNPUSHED.read_text())
    assert code == 0, output
    # Every block passes, but for operator steps that change real systems (marked notest).
    skipped = [block for block in report["blocks"] if block["status"] == "skip"]
    assert all(block["lang"] == "console" for block in skipped), skipped
    assert {block["status"] for block in report["blocks"]} <= {"pass", "skip"}
    assert last_block(report)["claim"] == "unpushed.resolved"


@pytest.mark.parametrize("name", FIX_STEPS)
def test_runbook_without_the_fix_fails_at_the_check(tmp_path: Path, name: str) -> None:
    fix = FIX_STEPS[name]
    text = fix.page.read_text()
    assert text.count(fix.step) == 1, f"the fix step of {name} moved: update FIX_STEPS"
    broken = text.replace(fix.step, "")
    code, output, report = run_page(tmp_path, fix.page, broken)
    assert code == 1
    failed_python = [block for block in report["blocks"]
                     if block["status"] == "fail" and block["lang"] == "python"]
    assert failed_python, output
    check = failed_python[0]
    assert check["claim"] == fix.check, output
    # The named assert is what fails, not some earlier line of the check.
    failing_line = line_of(broken, f'```{{.python claim="{fix.check}"}}', fix.failing)
    assert check["reason"].startswith(
        f"{fix.page.name}:{failing_line}: Python block raised AssertionError"
    ), check["reason"]
