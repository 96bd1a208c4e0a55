"""Runbooks' ``symptoms:`` front matter and the reserved rows of the cluster-facts table."""

from __future__ import annotations

from pathlib import Path

import pytest

from docproof.authoring import CLUSTER_FACT_LABELS, Symptom, parse_page
from docproof.errors import PageError

RUNBOOK = """\
---
world: fresh
symptoms:
  - logs: push attempt failed
  - pods: CrashLoopBackOff
  - need: You need to restart the API
---
# Runbook
"""


def test_symptoms_keep_where_text_and_their_source_line() -> None:
    assert parse_page(RUNBOOK, Path("r.md")).symptoms == (
        Symptom("logs", "push attempt failed", 4),
        Symptom("pods", "CrashLoopBackOff", 5),
        Symptom("need", "You need to restart the API", 6),
    )
    assert [s.observed for s in parse_page(RUNBOOK, Path("r.md")).symptoms] == [
        True, True, False]


@pytest.mark.parametrize(("entries", "line", "message"), [
    ("  - log: push attempt failed\n", 4, "unknown symptom place 'log'"),
    ("  - logs: ''\n", 4, "symptom 'logs' needs the text seen there"),
    ("  - logs: a\n    pods: b\n", 4, "a symptom is one 'where: text' pair"),
    ("  logs: a\n", 4, "must be a list of entries"),
])
def test_a_malformed_symptom_fails_the_page_at_its_line(
    entries: str, line: int, message: str
) -> None:
    text = f"---\nworld: fresh\nsymptoms:\n{entries}---\n# R\n"
    with pytest.raises(PageError) as raised:
        parse_page(text, Path("r.md"))
    assert (raised.value.line, message in str(raised.value)) == (line, True)


def test_a_hand_written_cluster_fact_row_fails_the_page_at_its_line() -> None:
    text = ("# Ops\n\n| What | Value |\n| --- | --- |\n"
            "| **Namespace** | `codeforphilly` |\n")
    with pytest.raises(PageError) as raised:
        parse_page(text, Path("ops.md"))
    assert raised.value.line == 5
    assert "cluster-facts table row '**Namespace**' is written by hand" in str(raised.value)


def test_other_tables_and_fenced_rows_are_not_fact_rows() -> None:
    text = ("| Fault | Fate |\n| --- | --- |\n| pod delete | lost |\n\n"
            "```{.markdown}\n| Namespace | x |\n```\n")
    assert parse_page(text, Path("ops.md")).claims == ()
    assert "Namespace" in CLUSTER_FACT_LABELS
