"""Figures in claim sentences: the checked-value syntax, the bare-figure lint, quantities.

A figure a claim states (a duration, count, exit code, threshold) or a deployment name is
written as a checked value, a macro call naming a model figure and the text as written::

    the {{ fact("k8s.not-ready-toleration", "300 s") }} toleration

The site's ``fact`` macro renders the written text after checking it against the model's
value; the runner checks it too (through ``pytest_docproof_figures``). Durations and counts
compare by quantity, so "five minutes", "5 min" and "300 s" all match 300 s; names compare
as text. A digit, or a number word with a unit ("ten minutes", "one replica"), left bare in a
claim sentence fails the lint, unless the claim marker gives a reason:
``<!-- claim: id bare-figures="why these figures are not the model's" -->``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

FACT_NAME = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*\Z")
_FACT_CALL = re.compile(
    r"\{\{\s*fact\(\s*\"(?P<name>[^\"]*)\"\s*(?:,\s*\"(?P<written>[^\"]*)\"\s*)?\)\s*\}\}")
_ANY_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->")
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
    "hundred": 100,
}
_SECONDS = {"ms": 0.001, "millisecond": 0.001, "s": 1, "sec": 1, "second": 1, "min": 60,
            "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
# Units that make a spelled-out number a figure of the model or the manifest.
_COUNTED = ("replica", "container")
_WORD = "|".join(w for w in _NUMBER_WORDS if w not in ("a", "an"))
_UNIT_WORDS = "|".join(sorted([*_SECONDS, *_COUNTED], key=len, reverse=True))
_BARE = re.compile(
    rf"(?<![\w./-])(?:(?P<digits>\d+(?:[.,]\d+)*)(?![\w/-])"
    rf"|(?P<word>\b(?:{_WORD})\s+(?:more\s+|extra\s+)?(?:{_UNIT_WORDS})s?\b))",
    re.IGNORECASE)
# "step 2" points at a section of the page, not at a figure.
_STEP = re.compile(r"\b(?:step|steps|section|part)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class FactUse:
    """One ``{{ fact("name", "written") }}`` in a sentence; ``written`` None renders the model's."""

    name: str
    written: str | None


def fact_uses(text: str) -> list[FactUse]:
    """The checked values in ``text``, in order."""
    return [FactUse(m.group("name"), m.group("written")) for m in _FACT_CALL.finditer(text)]


def as_written(text: str) -> str:
    """``text`` as readers see it: each checked value replaced by its written text."""
    return _FACT_CALL.sub(lambda m: m.group("written") or m.group(0), text)


def bare_figures(text: str) -> list[str]:
    """Figures in ``text`` that no macro or checked value produced (code spans, link targets
    and comments are not prose; a step number is not a figure)."""
    prose = text
    for pattern in (_FACT_CALL, _ANY_MACRO, _CODE_SPAN, _LINK_TARGET, _COMMENT):
        prose = pattern.sub(" ", prose)
    found = []
    for match in _BARE.finditer(prose):
        if match.group("digits") and _STEP.search(prose[: match.start()]):
            continue
        found.append(" ".join(match.group(0).split()))
    return found


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts: seconds for a duration, else a plain count."""

    value: float
    duration: bool


def quantity(text: str) -> Quantity | None:
    """``text`` as a quantity ("300 s", "five minutes", "an hour", "143"), or None."""
    words = text.strip().lower().split()
    if not words or len(words) > 2:
        return None
    number = _number(words[0])
    if number is None:
        return None
    if len(words) == 1:
        return Quantity(number, duration=False)
    unit = words[1]
    singular = unit[:-1] if unit.endswith("s") and unit[:-1] in _SECONDS else unit
    if singular in _SECONDS:
        return Quantity(number * _SECONDS[singular], duration=True)
    if singular.rstrip("s") in _COUNTED:
        return Quantity(number, duration=False)
    return None


def _number(word: str) -> float | None:
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def figure_matches(written: str, model: str) -> bool:
    """Whether the written text states the model's figure: equal quantities (a duration in
    any unit) when the model's value is one, else the same text."""
    wanted, stated = quantity(model), quantity(written)
    if wanted is not None:
        return stated is not None and stated == wanted
    return written.strip() == model.strip()


def fact_name_problems(text: str, known: Collection[str] | None) -> list[str]:
    """Malformed fact names in ``text``, and (when ``known`` is given) unknown ones."""
    problems = []
    for use in fact_uses(text):
        if not FACT_NAME.match(use.name):
            problems.append(f"fact name {use.name!r} must be dotted lowercase words, "
                            "e.g. k8s.not-ready-toleration")
        elif known is not None and use.name not in known:
            problems.append(f"unknown fact {use.name!r}; known: {', '.join(sorted(known))}")
    return problems


def figure_mismatches(text: str, figures: Mapping[str, str]) -> list[str]:
    """Checked values in ``text`` whose written text the model (``figures``) does not state."""
    return [f"{use.written!r} is not the model's {use.name} ({figures[use.name]})"
            for use in fact_uses(text)
            if use.written is not None and use.name in figures
            and not figure_matches(use.written, figures[use.name])]
