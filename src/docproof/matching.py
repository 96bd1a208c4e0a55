"""Compare actual output with expected output that may hold ``...`` wildcards."""

from __future__ import annotations

import difflib
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
    return LineMatcher(normalise(expected)).fits(normalise(actual))


class LineMatcher:
    """Greedy leftmost placement of wildcard-free runs: the classic glob (``*``) algorithm,
    applied to lines.

    The expected lines split at ``...`` lines into runs. The first run must sit at the
    start (unless the expected output starts with ``...``), the last at the end (unless it
    ends with ``...``); every other run is placed at its first fit after the previous one.
    Placing a run as early as possible never hurts: any later fit leaves less room for the
    runs after it, so one left-to-right pass decides, with no backtracking.

    Bound: each output line is tried as the start of at most one run (the search for a run
    resumes where the previous one ended), and each try compares at most ``k`` lines, so
    at most ``n * k`` line comparisons for ``n`` output lines and a longest run of ``k``
    expected lines: linear in the output for a given block (the old regex was cubic).
    ``comparisons`` counts them, for tests of that bound.
    """

    def __init__(self, expected: Sequence[str]) -> None:
        self.runs: list[list[str]] = [[]]
        for line in expected:
            if line.strip() == WILDCARD:
                self.runs.append([])
            else:
                self.runs[-1].append(line)
        self.comparisons = 0

    def fits(self, actual: Sequence[str]) -> bool:
        runs = self.runs
        if len(runs) == 1:
            return len(actual) == len(runs[0]) and self._fits_at(runs[0], actual, 0)
        first, *middle, last = runs
        if len(first) + len(last) > len(actual) or not self._fits_at(first, actual, 0):
            return False
        end = len(actual) - len(last)
        position = len(first)
        for run in middle:
            found = self._first_fit(run, actual, position, end)
            if found < 0:
                return False
            position = found + len(run)
        return self._fits_at(last, actual, end) and position <= end

    def _first_fit(self, run: list[str], actual: Sequence[str], start: int, end: int) -> int:
        for at in range(start, end - len(run) + 1):
            if self._fits_at(run, actual, at):
                return at
        return -1

    def _fits_at(self, run: list[str], actual: Sequence[str], at: int) -> bool:
        for offset, pattern in enumerate(run):
            self.comparisons += 1
            if not line_matches(pattern, actual[at + offset]):
                return False
        return True


def line_matches(pattern: str, line: str) -> bool:
    """One line against one expected line whose ``...`` stand for any text (greedy glob)."""
    head, *rest = pattern.split(WILDCARD)
    if not rest:
        return pattern == line
    *middle, tail = rest
    if not line.startswith(head) or len(head) + len(tail) > len(line):
        return False
    position, end = len(head), len(line) - len(tail)
    for part in middle:
        found = line.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return line.endswith(tail)


def diff(expected: Sequence[str], actual: Sequence[str]) -> str:
    """A unified diff from expected to actual output, for failure messages."""
    lines = difflib.unified_diff(
        normalise(expected), normalise(actual), "expected", "actual", lineterm=""
    )
    return "\n".join(lines)
