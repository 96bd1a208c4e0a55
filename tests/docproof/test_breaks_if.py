"""A claim marker's breaks-if (or no-drift) attribute, as the page grammar reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from docproof.authoring import parse_page
from docproof.errors import PageError

PAGE = Path("specs/x.md")


def _claims(marker: str) -> list[tuple[str, tuple[str, ...], str | None]]:
    page = parse_page(f"# X\n\n{marker}\nA sentence.\n", PAGE)
    return [(c.id, c.breaks_if, c.no_drift) for c in page.claims]


def test_a_plain_marker_names_no_drift() -> None:
    assert _claims("<!-- claim: storage.x -->") == [("storage.x", (), None)]


def test_breaks_if_lists_the_drifts_in_order() -> None:
    marker = '<!-- claim: storage.x breaks-if="volume-is-pvc, restart-wipes-emptydir" -->'
    assert _claims(marker) == [("storage.x", ("volume-is-pvc", "restart-wipes-emptydir"), None)]


def test_no_drift_keeps_its_reason() -> None:
    marker = '<!-- claim: storage.x no-drift="git itself guarantees it" -->'
    assert _claims(marker) == [("storage.x", (), "git itself guarantees it")]


@pytest.mark.parametrize(("marker", "message"), [
    ('<!-- claim: storage.x breaks="volume-is-pvc" -->', "malformed claim comment"),
    ('<!-- claim: storage.x breaks-if="Volume_PVC" -->', "breaks-if names 'Volume_PVC'"),
    ('<!-- claim: storage.x breaks-if="a,a" -->', "names a drift twice"),
    ('<!-- claim: storage.x breaks-if="" -->', "breaks-if names ''"),
    ('<!-- claim: storage.x no-drift=" " -->', "no-drift needs a reason"),
])
def test_a_malformed_attribute_fails_at_the_marker_line(marker: str, message: str) -> None:
    with pytest.raises(PageError, match=message) as raised:
        _claims(marker)
    assert (raised.value.path, raised.value.line) == (PAGE, 3)
