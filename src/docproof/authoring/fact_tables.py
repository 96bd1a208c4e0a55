"""Fact tables are generated: a page never writes a cluster fact's table row by hand.

The site renders the cluster-facts table from deploy/ (the ``cluster_facts_table`` macro),
labelling each row with one of ``CLUSTER_FACT_LABELS``. Those labels are reserved: a
Markdown table row a page writes itself whose first cell is one of them is a page error,
so a hand-written (and possibly wrong) namespace or branch cannot stand in for the
generated table.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from docproof.errors import PageError

# Row labels of the generated cluster-facts table, in its order (the site renders these).
CLUSTER_FACT_LABELS = ("Namespace", "Deployment", "Container", "Pod label", "Data volume",
                       "Branch the API serves and pushes")
_RESERVED = {label.lower() for label in CLUSTER_FACT_LABELS}


def check_no_hand_written_facts(shown: Path, lines: list[str], fenced: Collection[int]) -> None:
    """Raise PageError at the first table row (outside code) labelled with a cluster fact."""
    for index, line in enumerate(lines):
        cells = line.strip().strip("|").split("|") if line.lstrip().startswith("|") else []
        if index in fenced or len(cells) < 2:
            continue
        label = cells[0].strip().strip("*_` ").lower()
        if label in _RESERVED:
            raise PageError(
                shown, index + 1,
                f"cluster-facts table row {cells[0].strip()!r} is written by hand: cluster "
                "facts come from deploy/, render the table with {{ cluster_facts_table() }} "
                "(render_macros: true in the front matter)",
            )
