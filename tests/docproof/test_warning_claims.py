"""Warnings are claims: a danger or warning admonition needs a claim comment before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from docproof.authoring import parse_page
from docproof.errors import PageError

CLAIMED = """\
# Title

<!-- claim: ops.no-delete -->

!!! danger "Do not delete the pod"
    Deleting it loses the commits.

    Fetch them first.

After the warning.
"""


def test_a_claimed_warning_is_a_claim_whose_text_is_its_title_and_body() -> None:
    (claim,) = parse_page(CLAIMED, Path("p.md")).claims
    assert (claim.id, claim.line) == ("ops.no-delete", 3)
    assert claim.text == ("Do not delete the pod Deleting it loses the commits. "
                          "Fetch them first.")


@pytest.mark.parametrize("opener", ['!!! danger "Stop"', '??? warning "Stop"',
                                    '???+ caution "Stop"', '!!! error inline "Stop"'])
def test_an_unclaimed_warning_fails_the_page_at_its_line(opener: str) -> None:
    text = f"# Title\n\nSome text.\n\n{opener}\n    Harm.\n"
    with pytest.raises(PageError) as raised:
        parse_page(text, Path("p.md"))
    assert raised.value.line == 5
    assert "admonition 'Stop' is not a claim" in str(raised.value)


def test_a_warning_glued_to_its_claim_comment_is_refused() -> None:
    text = "<!-- claim: ops.x -->\n!!! warning\n    Harm.\n"
    with pytest.raises(PageError, match="leave a blank line") as raised:
        parse_page(text, Path("p.md"))
    assert raised.value.line == 2


def test_other_admonitions_and_fenced_warnings_need_no_claim() -> None:
    text = ('!!! note "N"\n    Fine.\n\n!!! tip\n    Fine.\n\n'
            '```{.markdown}\n!!! danger "In a fence"\n```\n')
    assert parse_page(text, Path("p.md")).claims == ()


def test_a_warning_removed_under_its_claim_comment_fails_at_the_comment() -> None:
    text = CLAIMED.replace('!!! danger "Do not delete the pod"\n    Deleting it loses the '
                           "commits.\n\n    Fetch them first.\n\n", "")
    with pytest.raises(PageError, match="no danger or warning follows") as raised:
        parse_page(text, Path("p.md"))
    assert raised.value.line == 3
    assert "claim 'ops.no-delete'" in str(raised.value)
