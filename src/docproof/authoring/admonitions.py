"""Warnings are claims: a ``danger`` or ``warning`` admonition must carry a claim id.

A warning tells an operator that some action does harm. Like any other normative sentence
it is declared with ``<!-- claim: id -->`` on the line before it (a blank line between the
two, so the admonition still starts a block), and a check naming that id shows the harm in
the page's world. An unmarked warning is a page error, so a warning cannot exist without a
claim, and removing a warning leaves its check naming a claim that no longer exists.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

from docproof.errors import PageError

# mkdocs-material's warning and danger types with their aliases.
WARNING_KINDS = ("danger", "error", "warning", "caution", "attention")
# `!!! kind "title"` (admonition) or `??? kind` / `???+ kind` (collapsible, pymdownx.details).
_OPENER = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[A-Za-z][\w-]*)(?P<rest>.*)$")
_TITLE = re.compile(r'"(?P<title>[^"]*)"')
_MARKER = re.compile(r"^\s*<!--\s*claim\b")


def warning_kind(line: str) -> str | None:
    """The admonition type ``line`` opens if it is a warning or danger, else None."""
    match = _OPENER.match(line)
    if match is None or match.group("kind").lower() not in WARNING_KINDS:
        return None
    return match.group("kind").lower()


def admonition_text(lines: list[str], start: int) -> str | None:
    """The title and body of the admonition opened at ``lines[start]``, joined into one
    line (its blank-line-separated paragraphs included), or None if none opens there."""
    match = _OPENER.match(lines[start]) if start < len(lines) else None
    if match is None:
        return None
    title = _title(lines[start])
    words = [title] if title else []
    body_indent = len(match.group("indent")) + 4
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if line.strip() and len(line) - len(line.lstrip(" ")) < body_indent:
            break
        if line.strip():
            words.append(line.strip())
        index += 1
    return " ".join(words)


def _title(line: str) -> str:
    # The quoted title of an admonition opener ("" when it has none).
    match = _OPENER.match(line)
    title = _TITLE.search(match.group("rest")) if match else None
    return title.group("title") if title else ""


def check_warnings_claimed(
    shown: Path, lines: list[str], fenced: Collection[int], markers: Mapping[int, str]
) -> None:
    """Raise PageError at the first warning admonition not declared as a claim, or at a
    claim comment set apart by a blank line (the form for warnings) with no warning after it.

    ``fenced``: 0-based indexes of code lines; ``markers``: the page's claim markers, their
    1-based line -> claim id.
    """
    _check_markers_for_warnings(shown, lines, markers)
    marker_lines = set(markers)
    for index, line in enumerate(lines):
        kind = None if index in fenced else warning_kind(line)
        if kind is None:
            continue
        before = index - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        if before >= 0 and before + 1 in marker_lines:
            if before == index - 1:
                raise PageError(shown, index + 1, f"leave a blank line between the claim "
                                f"comment and the {kind} admonition, or it renders as text")
            continue
        if before >= 0 and _MARKER.match(lines[before]):
            continue  # a malformed marker: its own error is reported where it is parsed
        raise PageError(
            shown, index + 1,
            f"{kind} admonition {_title(line) or kind!r} is not a claim: a warning must "
            "be declared with <!-- claim: id --> on the line before it and checked by a "
            "block that shows the harm it warns of",
        )


def _check_markers_for_warnings(shown: Path, lines: list[str], markers: Mapping[int, str]) -> None:
    # A blank line after a claim comment keeps a warning admonition a block of its own; a
    # paragraph claim has none. So a blank line with no warning after it means one was removed.
    for line, claim_id in markers.items():
        if line >= len(lines) or lines[line].strip():
            continue
        after = line
        while after < len(lines) and not lines[after].strip():
            after += 1
        if after >= len(lines) or warning_kind(lines[after]) is None:
            raise PageError(shown, line, f"claim {claim_id!r} is set apart by a blank line, the "
                            "form for a warning admonition, but no danger or warning follows "
                            "(was the warning removed?); a paragraph claim starts on the line "
                            "after its comment")
