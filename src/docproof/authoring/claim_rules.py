"""The rules every claim of a page must meet before its blocks run (runner and site alike).

1. It is checked: a runnable block of its page (not ``notest``, not an illustration) names
   it with ``claim=``; a claim with no check would otherwise show as "unchecked" and pass.
2. Its sentence states no bare figure: figures are checked values (``figures.py``), or the
   claim marker says why not (``bare-figures="…"``); each checked value names a known model
   figure and, when the model's values are at hand, states it.
"""

from __future__ import annotations

from collections.abc import Mapping

from docproof.authoring.claims import Claim
from docproof.authoring.figures import bare_figures, fact_name_problems, figure_mismatches
from docproof.authoring.page import Page
from docproof.errors import PageError


def checked_claims(page: Page) -> set[str]:
    """Ids named by a runnable block of ``page``."""
    return {
        block.options.claim
        for block in page.blocks
        if block.options is not None and block.options.claim is not None
        and block.options.executable and block.options.notest is None
    }


def claim_problems(page: Page, figures: Mapping[str, str] | None = None) -> list[PageError]:
    """Every claim of ``page`` that breaks a rule, one error at the claim's line each;
    ``figures`` (model figure name -> value) checks the written values too."""
    checked = checked_claims(page)
    problems: list[PageError] = []
    for claim in page.claims:
        if claim.id not in checked:
            problems.append(PageError(claim.path, claim.line, _unchecked(claim)))
        problems += [PageError(claim.path, claim.line, message)
                     for message in _figure_messages(claim, figures)]
        if figures is not None:
            problems += [PageError(claim.path, claim.line, f"claim {claim.id!r}: {message}")
                         for message in figure_mismatches(claim.text, figures)]
    return problems


def _unchecked(claim: Claim) -> str:
    return (f"claim {claim.id!r} has no check: no runnable block on this page carries "
            f'claim="{claim.id}", so nothing verifies "{_short(claim.text)}"')


def _figure_messages(claim: Claim, figures: Mapping[str, str] | None) -> list[str]:
    messages = [f"claim {claim.id!r}: {problem}"
                for problem in fact_name_problems(claim.text, figures)]
    bare = bare_figures(claim.text)
    if bare and claim.bare_figures is None:
        shown = ", ".join(repr(figure) for figure in bare)
        messages.append(
            f"claim {claim.id!r} states {shown} bare in \"{_short(claim.text)}\": write each "
            'as a checked value {{ fact("name", "as written") }}, or give the marker a '
            'reason: <!-- claim: ' + claim.id + ' bare-figures="why" -->')
    return messages


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
