"""Verification code out of the operator's way: Python blocks fold into a collapsed panel.

A run of top-level Python fences separated only by blank lines becomes one pymdownx.details
block titled from the verification report ("Checked against the simulation: 3 checks
passed"). Panels with a failing check render open. Console and bash blocks, the operator's
steps, stay in the flow. Works on the page's Markdown lines after the fences were annotated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from _report import Report
from docproof.authoring import Block

PANEL_CLASS = "docproof-checks"
CHECK_LANG = "python"
_INDENT = "    "


@dataclass(frozen=True)
class Panel:
    """Lines `first..last` (0-based, inclusive, in the page's Markdown) and their checks."""

    first: int
    last: int
    statuses: tuple[str | None, ...]  # report status per check, None when not in the report

    @property
    def failing(self) -> bool:
        return "fail" in self.statuses

    def title(self) -> str:
        count = len(self.statuses)
        checks = f"{count} check{'s' * (count != 1)}"
        if all(status is None for status in self.statuses):
            return f"Checks against the simulation: {checks}, not verified"
        tally = [(self.statuses.count(status), word) for status, word in
                 (("fail", "failing"), ("pass", "passed"), ("skip", "not run"),
                  (None, "not verified"))]
        shown = [f"{n} {word}" for n, word in tally if n]
        if shown == [f"{count} passed"]:
            return f"Checked against the simulation: {checks} passed"
        return f"Checked against the simulation: {checks}: {', '.join(shown)}"


def find_panels(fences: Sequence[Block], lines: Sequence[str], offset: int, src: str,
                report: Report | None) -> list[Panel]:
    """Runs of top-level Python fences with only blank lines between them."""
    panels: list[Panel] = []
    for fence in fences:
        if fence.lang != CHECK_LANG or fence.indent or fence.error is not None:
            continue
        first, last = fence.line - offset - 1, fence.end_line - offset - 1
        result = report.block(src, fence.line) if report else None
        status = result.status if result and result.lang in ("", fence.lang) else None
        previous = panels[-1] if panels else None
        if previous and not any(line.strip() for line in lines[previous.last + 1:first]):
            panels[-1] = Panel(previous.first, last, (*previous.statuses, status))
        else:
            panels.append(Panel(first, last, (status,)))
    return panels


def fold(lines: Sequence[str], panels: Sequence[Panel]) -> list[str]:
    """The page's lines with each panel's fences indented under a details block."""
    folded: list[str] = []
    done = 0
    for panel in panels:
        folded += lines[done:panel.first]
        marker = "???+" if panel.failing else "???"
        title = panel.title().replace('"', "'")
        folded += ["", f'{marker} {PANEL_CLASS} "{title}"', ""]
        folded += [_INDENT + line if line.strip() else "" for line in
                   lines[panel.first:panel.last + 1]]
        folded.append("")
        done = panel.last + 1
    return folded + list(lines[done:])
