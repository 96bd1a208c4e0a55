"""Claims: the id rule, the ``<!-- claim: id -->`` marker and its paragraph, duplicate ids.

One rule for ids everywhere (claim markers, ``claim=`` fence options, runner and site):
dotted lowercase words, each ``[a-z0-9][a-z0-9-]*``, e.g. ``storage.lost-on-pod-delete``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from docproof.authoring.admonitions import admonition_text, check_warnings_claimed
from docproof.authoring.breaks_if import BreaksIfError, split_marker
from docproof.errors import PageError

CLAIM_ID = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*\Z")
_MARKER = re.compile(r"^\s*<!--\s*claim:\s*(?P<id>.*?)\s*-->\s*$")
# Anywhere among the marker's attributes (breaks-if.py reads the others).
_BARE_FIGURES = re.compile(r'\s+bare-figures="(?P<figures>[^"]*)"')
_MARKER_ATTEMPT = re.compile(r"\s*<!--\s*claim\b")


@dataclass(frozen=True)
class Claim:
    """A normative sentence declared with ``<!-- claim: id -->`` before its paragraph."""

    id: str
    path: Path
    line: int
    text: str
    # Why the sentence may state figures no checked value produced (None: it may not).
    bare_figures: str | None = None
    breaks_if: tuple[str, ...] = ()  # drifts that must break its checks (breaks_if.py)
    no_drift: str | None = None  # why no drift can break them, when none is named


def claim_id_problem(claim_id: str) -> str | None:
    """Why ``claim_id`` is not a valid claim id, or None when it is."""
    if CLAIM_ID.match(claim_id):
        return None
    return (
        f"claim id {claim_id!r} must be dotted lowercase words "
        "([a-z0-9][a-z0-9-]* joined by single dots), e.g. storage.lost-on-pod-delete"
    )


def claim_markers(shown: Path, lines: list[str], fenced: Collection[int]) -> tuple[Claim, ...]:
    """Claims declared in ``lines`` (0-based indexes in ``fenced`` are code, not prose)."""
    claims: list[Claim] = []
    for index, line in enumerate(lines):
        if index in fenced:
            continue
        match = _MARKER.match(line)
        if match is None:
            if _MARKER_ATTEMPT.match(line):
                message = "malformed claim comment; want <!-- claim: id -->"
                raise PageError(shown, index + 1, message)
            continue
        body = match.group("id")
        figures = _BARE_FIGURES.search(body)
        if figures is not None:
            body = body[: figures.start()] + body[figures.end():]
        try:
            claim_id, breaks_if, no_drift = split_marker(body)
        except BreaksIfError as error:
            raise PageError(shown, index + 1, str(error)) from None
        problem = claim_id_problem(claim_id)
        if problem is not None:
            raise PageError(shown, index + 1, problem)
        text = _next_paragraph(lines, index + 1)
        if not text:
            raise PageError(shown, index + 1, f"claim {claim_id!r} has no paragraph after it")
        reason = None if figures is None else figures.group("figures")
        if reason is not None and not reason.strip():
            message = 'bare-figures needs a reason: bare-figures="why these are not the model\'s"'
            raise PageError(shown, index + 1, message)
        claims.append(Claim(claim_id, shown, index + 1, text, reason, breaks_if, no_drift))
    check_warnings_claimed(shown, lines, fenced, {claim.line: claim.id for claim in claims})
    return tuple(claims)


def _next_paragraph(lines: list[str], start: int) -> str:
    # The first paragraph after the marker (blank lines skipped), joined into one line.
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    admonition = admonition_text(lines, index)
    if admonition is not None:
        return admonition  # a warning declared as a claim: its title and body
    paragraph: list[str] = []
    while index < len(lines) and lines[index].strip():
        paragraph.append(lines[index].strip())
        index += 1
    return " ".join(paragraph)


@dataclass(frozen=True)
class ClaimIndex:
    """Every claim id with its first declaration, and an error for each later one."""

    declared: dict[str, Claim]
    duplicates: tuple[PageError, ...]

    def duplicates_in(self, path: Path) -> list[PageError]:
        """The duplicate declarations made on the page ``path``."""
        return [error for error in self.duplicates if error.path == path]


def index_claims(claims: Iterable[Claim]) -> ClaimIndex:
    """The one place duplicate claim ids are found; the first declaration (in order) wins."""
    declared: dict[str, Claim] = {}
    duplicates: list[PageError] = []
    for claim in claims:
        first = declared.setdefault(claim.id, claim)
        if (first.path, first.line) != (claim.path, claim.line):
            message = f"claim {claim.id!r} is already declared at {first.path}:{first.line}"
            duplicates.append(PageError(claim.path, claim.line, message))
    return ClaimIndex(declared, tuple(duplicates))
