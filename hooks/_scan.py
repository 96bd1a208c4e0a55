"""Line-level reading of page sources: code fences and claim declarations.

Shared by the site hooks. Line numbers are 1-based and refer to the text given, so callers
pass the raw source file when they need the numbers the verification report uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_OPENER = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_BRACE_INFO = re.compile(r"^\s*\{(?P<body>.*)\}\s*$")
_OPTION = re.compile(r'([A-Za-z_][\w-]*)="([^"]*)"')
_CLAIM_COMMENT = re.compile(r"^[ \t]*<!--\s*claim\b(?P<rest>.*?)-->[ \t]*$")
_CLAIM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*$")


class ScanError(ValueError):
    """A malformed authoring directive; the message names the line."""


@dataclass(frozen=True)
class Fence:
    """One fenced code block: where it opens and closes, and its info string."""

    line: int
    end_line: int
    indent: str
    marker: str
    info: str

    @property
    def is_brace_form(self) -> bool:
        return _BRACE_INFO.match(self.info) is not None

    @property
    def lang(self) -> str:
        """The language: `.python` in brace form, or the first word otherwise."""
        brace = _BRACE_INFO.match(self.info)
        words = (brace.group("body") if brace else self.info).split()
        for word in words:
            if brace is None:
                return word
            if word.startswith("."):
                return word[1:]
        return ""

    @property
    def options(self) -> dict[str, str]:
        """Quoted key="value" options of a brace-form fence."""
        brace = _BRACE_INFO.match(self.info)
        return dict(_OPTION.findall(brace.group("body"))) if brace else {}


@dataclass(frozen=True)
class ClaimDeclaration:
    """`<!-- claim: some.id -->` followed by the sentence it tags."""

    id: str
    line: int
    text: str


def scan_fences(text: str) -> list[Fence]:
    """Every fenced block in `text`, in order, including fences nested in admonitions or tabs."""
    lines = text.splitlines()
    fences: list[Fence] = []
    i = 0
    while i < len(lines):
        opener = _OPENER.match(lines[i])
        if opener is None or (opener.group("fence")[0] == "`" and "`" in opener.group("info")):
            i += 1
            continue
        marker = opener.group("fence")
        end = _closing_line(lines, i + 1, marker)
        fences.append(
            Fence(i + 1, end + 1, opener.group("indent"), marker, opener.group("info").strip())
        )
        i = end + 1
    return fences


def _closing_line(lines: list[str], start: int, marker: str) -> int:
    # Index of the line closing a fence opened with `marker`; an unclosed fence runs to the end.
    closer = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    for j in range(start, len(lines)):
        if closer.match(lines[j]):
            return j
    return len(lines) - 1


def lines_outside_fences(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for every line that is not part of a code fence."""
    inside: set[int] = set()
    for fence in scan_fences(text):
        inside.update(range(fence.line, fence.end_line + 1))
    for number, line in enumerate(text.splitlines(), start=1):
        if number not in inside:
            yield number, line


def claim_id_of(line: str, where: str) -> str | None:
    """The id declared by a claim comment line, None for any other line; malformed ones raise."""
    match = _CLAIM_COMMENT.match(line)
    if match is None:
        return None
    rest = match.group("rest").strip()
    if not rest.startswith(":"):
        raise ScanError(f"{where}: malformed claim comment {line.strip()!r}; "
                        "write <!-- claim: area.short-name -->")
    claim_id = rest[1:].strip()
    check_claim_id(claim_id, where)
    return claim_id


def check_claim_id(claim_id: str, where: str) -> None:
    """Raise unless `claim_id` is dotted lowercase words, e.g. durability.lost-on-pod-delete."""
    if not _CLAIM_ID.match(claim_id):
        raise ScanError(f"{where}: invalid claim id {claim_id!r}; use dotted lowercase words "
                        "such as durability.lost-on-pod-delete")


def claim_declarations(text: str, page: str) -> list[ClaimDeclaration]:
    """Claims declared in `text`, each with the sentence (paragraph) that follows it."""
    outside = list(lines_outside_fences(text))
    claims: list[ClaimDeclaration] = []
    for index, (number, line) in enumerate(outside):
        claim_id = claim_id_of(line, f"{page}:{number}")
        if claim_id is not None:
            claims.append(ClaimDeclaration(claim_id, number, _sentence_after(outside, index + 1)))
    return claims


def _sentence_after(outside: list[tuple[int, str]], start: int) -> str:
    # The paragraph that follows a claim comment, joined into one line.
    words: list[str] = []
    for _, line in outside[start:]:
        if not line.strip():
            break
        words.append(line.strip())
    return " ".join(words)
