"""What the copy button of a console block yields is what an operator can paste into bash.

The hook writes each console block's commands into `data-copy` (hooks/_copy_text.py). Here a
runbook is run up to one of its console blocks, whose place is taken by a bash block holding
exactly the copied text: run in the page's world, it prints the output the page shows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from site_project import REPO, load_module

from docproof.authoring import parse_console, parse_page

sys.path.insert(0, str(REPO / "tests" / "content"))
from page_session import run_pages

RUNBOOK = Path("runbooks/unpushed-commits.md")
# The console block listing what only the pod has: two commands, deterministic output
# (found by its claim, so edits above it on the page do not move the test off it).
BLOCK_LINE = next(block.line for block in parse_page((REPO / RUNBOOK).read_text(), RUNBOOK).blocks
                  if block.options and block.options.claim == "unpushed.gap-is-measurable")


def _copy_text() -> ModuleType:
    return load_module("site_copy_text", REPO / "hooks" / "_copy_text.py")


copy_text = _copy_text()


def _block(line: int) -> object:
    page = parse_page((REPO / RUNBOOK).read_text(), RUNBOOK)
    return next(block for block in page.blocks if block.line == line)


def test_copied_commands_have_no_prompts_and_keep_continuations() -> None:
    body = "$ echo one \\\n> two\none two\n$ printf '%s\\n' \"a\n> b\"\na\nb\n"
    block = parse_page(f"```{{.console}}\n{body}```\n", Path("x.md")).blocks[0]
    assert copy_text.console_commands(block) == "echo one \\\ntwo\nprintf '%s\\n' \"a\nb\""
    attribute = copy_text.copy_attribute("a {b}\n\\c \"d\" <e>")
    assert attribute == ('data-copy="a &#123;b&#125;&#10;&#92;c &quot;d&quot; &lt;e&gt;"')


def test_copied_text_is_bash_syntax(tmp_path: Path) -> None:
    block = _block(BLOCK_LINE)
    copied = copy_text.console_commands(block)
    assert copied is not None and "$ " not in copied
    checked = subprocess.run(["bash", "-n"], input=copied, text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.timeout(300)
def test_a_pasted_block_prints_the_pages_output_in_the_pages_world(tmp_path: Path) -> None:
    block = _block(BLOCK_LINE)
    copied = copy_text.console_commands(block)
    expected = "\n".join(line for command in parse_console(block.body)
                         for line in command.expected)
    assert copied is not None and expected
    lines = (REPO / RUNBOOK).read_text().splitlines()
    before = lines[: BLOCK_LINE - 1]
    # The rest of the page runs after the pasted block: its claims keep their checks.
    closing = next(n for n in range(BLOCK_LINE, len(lines)) if lines[n].strip() == "```")
    after = lines[closing + 1:]
    # The pasted block checks the claim the block it replaces checked (every claim needs one).
    claim = block.options.claim if block.options else None
    opener = f'```{{.bash claim="{claim}"}}' if claim else "```{.bash}"
    pasted = [opener, 'pasted="$(', copied, ')"',
              "expected=\"$(cat <<'EXPECTED'", expected, "EXPECTED", ')"',
              "diff <(printf '%s\\n' \"$expected\") <(printf '%s\\n' \"$pasted\")", "```"]
    page = tmp_path / RUNBOOK.name
    page.write_text("\n".join([*before, *pasted, *after]) + "\n")

    run = run_pages(tmp_path, page)

    bash_line = len(before) + 1
    results = {b["line"]: b for b in run.report["blocks"]}
    assert results[bash_line]["status"] == "pass", run.output
    assert all(b["status"] != "fail" for b in results.values()), run.output
