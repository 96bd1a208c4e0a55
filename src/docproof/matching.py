"""Compare actual output with expected output that may hold ``...`` wildcards."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

WILDCARD = "..."


def normalise(lines: Sequence[str]) -> list[str]:
    """Strip trailing whitespace per line and blank lines at both ends."""
    cleaned = [line.rstrip() for line in lines]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    while cleaned and not cleaned[0]:
        cleaned.pop(0)
    return cleaned


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """True if ``actual`` fits ``expected``.

    A line that is exactly ``...`` matches any number of lines (zero included); ``...``
    inside a line matches any text within that line.
    """
    pattern = "".join(_line_pattern(line) for line in normalise(expected))
    text = "".join(line + "\n" for line in normalise(actual))
    return re.fullmatch(pattern, text) is not None


def _line_pattern(line: str) -> str:
    if line.strip() == WILDCARD:
        return r"(?:[^\n]*\n)*?"
    return "[^\n]*?".join(re.escape(part) for part in line.split(WILDCARD)) + r"\n"


def diff(expected: Sequence[str], actual: Sequence[str]) -> str:
    """A unified diff from expected to actual output, for failure messages."""
    lines = difflib.unified_diff(
        normalise(expected), normalise(actual), "expected", "actual", lineterm=""
    )
    return "\n".join(lines)
