"""Reconcile's outcomes as the docs table shows them, kept beside the model they describe.

L = local tip before reconcile, R = origin's tip after the fetch, L' = L's commits replayed
onto R. tests/podsim/api/test_api_reconcile.py asserts each outcome's refs against real git.
"""

from podsim.api.reconcile import OUTCOMES

_ROWS: dict[str, dict[str, str]] = {
    "in-sync": {
        "when": "L equals R",
        "branch after": "L",
        "origin/published (tracking)": "R",
        "origin after": "unchanged",
        "boot log": "info",
    },
    "fast-forwarded": {
        "when": "L is an ancestor of R",
        "branch after": "R (compare-and-swap)",
        "origin/published (tracking)": "R",
        "origin after": "unchanged",
        "boot log": "info",
    },
    "pushed-ahead": {
        "when": "R is an ancestor of L",
        "branch after": "L",
        "origin/published (tracking)": "R (stale after the push)",
        "origin after": "L if the push succeeded",
        "boot log": "info (push failure: warn)",
    },
    "rebased": {
        "when": "diverged, every local commit replays cleanly",
        "branch after": "L' (compare-and-swap)",
        "origin/published (tracking)": "R",
        "origin after": "L' if the push succeeded",
        "boot log": "info (push failure: warn)",
    },
    "conflict-escaped": {
        "when": "diverged, a replay conflicts (always below git 2.40)",
        "branch after": "R; L kept on conflicts/<UTC time>",
        "origin/published (tracking)": "R",
        "origin after": "conflicts/<UTC time> = L if its one push succeeded",
        "boot log": "error",
    },
    "fetch-failed": {
        "when": "the fetch fails for any reason",
        "branch after": "L",
        "origin/published (tracking)": "unchanged (absent on a fresh clone)",
        "origin after": "unchanged",
        "boot log": "warn",
    },
}


def outcome_rows() -> list[dict[str, str]]:
    """One row per outcome, in the model's order."""
    if tuple(_ROWS) != OUTCOMES:
        raise ValueError(f"reconcile table rows {tuple(_ROWS)} differ from OUTCOMES {OUTCOMES}")
    return [{"outcome": name, **row} for name, row in _ROWS.items()]
