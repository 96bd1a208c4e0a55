"""A claim marker's ``breaks-if`` attribute: the drifts that must break the claim's checks.

``<!-- claim: storage.data-on-emptydir breaks-if="volume-is-pvc,restart-wipes-emptydir" -->``
names drifts of the world (podsim's catalogue); ``nox -s sensitivity`` runs the claim's
checks under each and expects them to fail. A claim no drift can break says why instead:
``<!-- claim: x.y no-drift="why no drift of the world breaks its check" -->``. Here only the
shape is checked (the grammar knows no world); the runner and the sensitivity run check each
name against the catalogue.
"""

from __future__ import annotations

import re

ATTRIBUTE = "breaks-if"
EXEMPTION = "no-drift"
DRIFT_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_ATTRIBUTE = re.compile(r'\s+(?P<key>breaks-if|no-drift)\s*=\s*"(?P<names>[^"]*)"\s*\Z')


class BreaksIfError(ValueError):
    """A claim marker whose attributes are not ``breaks-if="name,name"``."""


def split_marker(body: str) -> tuple[str, tuple[str, ...], str | None]:
    """The claim id, the drift names and the no-drift reason in a marker's ``body`` (the
    text after ``claim:``)."""
    match = _ATTRIBUTE.search(body)
    if match is None:
        if " " in body.strip():
            raise BreaksIfError(
                f"malformed claim comment {body!r}; want <!-- claim: id --> or "
                f'<!-- claim: id {ATTRIBUTE}="drift,drift" --> or '
                f'<!-- claim: id {EXEMPTION}="reason" -->'
            )
        return body.strip(), (), None
    if match.group("key") == EXEMPTION:
        reason = match.group("names").strip()
        if not reason:
            raise BreaksIfError(f'{EXEMPTION} needs a reason: {EXEMPTION}="why no drift breaks it"')
        return body[: match.start()].strip(), (), reason
    names = tuple(name.strip() for name in match.group("names").split(","))
    for name in names:
        if not DRIFT_NAME.match(name):
            raise BreaksIfError(
                f"{ATTRIBUTE} names {name!r}: want drift names, lowercase words joined by "
                "hyphens, separated by commas"
            )
    if len(set(names)) != len(names):
        raise BreaksIfError(f"{ATTRIBUTE} names a drift twice: {match.group('names')!r}")
    return body[: match.start()].strip(), names, None
