"""A claim marker's ``breaks-if`` attribute: the drifts that must break the claim's checks.

``<!-- claim: storage.data-on-emptydir breaks-if="volume-is-pvc,restart-wipes-emptydir" -->``
names drifts of the world (podsim's catalogue); ``nox -s sensitivity`` runs the claim's
checks under each and expects them to fail. Here only the shape is checked (the grammar
knows no world); the runner and the sensitivity run check each name against the catalogue.
"""

from __future__ import annotations

import re

ATTRIBUTE = "breaks-if"
DRIFT_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_ATTRIBUTE = re.compile(r'\s+breaks-if\s*=\s*"(?P<names>[^"]*)"\s*\Z')


class BreaksIfError(ValueError):
    """A claim marker whose attributes are not ``breaks-if="name,name"``."""


def split_marker(body: str) -> tuple[str, tuple[str, ...]]:
    """The claim id and the drift names in a marker's ``body`` (the text after ``claim:``)."""
    match = _ATTRIBUTE.search(body)
    if match is None:
        if " " in body.strip():
            raise BreaksIfError(
                f"malformed claim comment {body!r}; want <!-- claim: id --> or "
                f'<!-- claim: id {ATTRIBUTE}="drift,drift" -->'
            )
        return body.strip(), ()
    names = tuple(name.strip() for name in match.group("names").split(","))
    for name in names:
        if not DRIFT_NAME.match(name):
            raise BreaksIfError(
                f"{ATTRIBUTE} names {name!r}: want drift names, lowercase words joined by "
                "hyphens, separated by commas"
            )
    if len(set(names)) != len(names):
        raise BreaksIfError(f"{ATTRIBUTE} names a drift twice: {match.group('names')!r}")
    return body[: match.start()].strip(), names
