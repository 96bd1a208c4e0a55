"""Each runbook fix matters: without the step that fixes the cause, the check that claims the
fix worked fails, and it is the first Python block of the page to fail."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from page_session import REPO, PageRun, run_copies, suite_page

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
        "```{.console}\n$ gh api -X DELETE "
        "repos/CodeForPhilly/codeforphilly-data/branches/published/protection\n```\n",
        "unpushed.fix-waits-for-next-retry",  # its copy of the world waits for the retry
        'assert set(later.fates().values()) == {"origin"}',
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


def broken_copy(fix: FixStep) -> str:
    """The page without its fix step (which must appear exactly once)."""
    text = fix.page.read_text()
    assert text.count(fix.step) == 1, f"the fix step moved: update FIX_STEPS for {fix.page}"
    return text.replace(fix.step, "")


@pytest.fixture(scope="module")
def broken_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PageRun]:
    """The broken copies, each as `<case>/<page name>` in its own sandbox, sharing pytest
    sessions: session k runs the k-th copy of each page (two copies of one page in one
    session would declare the same claims twice)."""
    workdir = tmp_path_factory.mktemp("runbook-steps")
    return run_copies(workdir, {name: (fix.page, broken_copy(fix))
                                for name, fix in FIX_STEPS.items()})


def line_of(text: str, after: str, needle: str) -> int:
    """The 1-based line of the first `needle` below the first `after` in `text`."""
    start = text.index(after)
    return text.count("\n", 0, text.index(needle, start)) + 1


def test_unmodified_runbook_ends_with_its_check_and_skips_only_operator_steps() -> None:
    # The test suite runs the page itself (it is among the testpaths): that run proves
    # every block passes. What this adds: the page's last block is the check that the
    # problem is resolved, and it skips only operator steps that change real systems
    # (console blocks marked notest), never a Python check or an illustration.
    page = suite_page(UNPUSHED)
    skipped = [block for block in page.blocks
               if block.options is None or block.options.notest or not block.options.executable]
    assert all(block.options and block.options.lang == "console" for block in skipped), skipped
    last = max(page.blocks, key=lambda block: block.line)
    assert last.options is not None and last.options.claim == "unpushed.resolved"


@pytest.mark.parametrize("name", FIX_STEPS)
def test_runbook_without_the_fix_fails_at_the_check(broken_runs: dict[str, PageRun],
                                                    name: str) -> None:
    fix, run = FIX_STEPS[name], broken_runs[name]
    shown = f"{name}/{fix.page.name}"
    assert run.returncode == 1, run.output
    failed_python = [block for block in run.blocks(shown)
                     if block["status"] == "fail" and block["lang"] == "python"]
    assert failed_python, run.output
    check = failed_python[0]
    assert check["claim"] == fix.check, run.output
    # The named assert is what fails, not some earlier line of the check.
    failing_line = line_of(broken_copy(fix), f'```{{.python claim="{fix.check}"}}', fix.failing)
    assert check["reason"].startswith(
        f"{shown}:{failing_line}: Python block raised AssertionError"
    ), check["reason"]
