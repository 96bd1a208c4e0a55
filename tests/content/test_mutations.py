"""The generic-edit harness (scripts/mutate_docs.py): every edit kind it builds finds edits on
the pages, and the page run's rules catch at least 90% of them; without the claims lock they
do not, so the harness can tell."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from page_session import REPO

# The kinds the rules applied before any block runs catch; the symptom and fact-table kinds
# are caught by running the page (`--run-uncaught`), minutes long, so `nox -s mutations` only.
KINDS = {"number-changed", "sentence-negated", "only-check-unmarked", "last-assert-deleted",
         "warning-removed"}


def harness(tmp_path: Path, *args: str) -> tuple[int, str, list[dict[str, object]]]:
    out = tmp_path / "mutations.json"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "mutate_docs.py"),
                           "--json", str(out), "--kinds", ",".join(sorted(KINDS)), *args],
                          cwd=REPO, capture_output=True, text=True, check=False, timeout=600)
    return done.returncode, done.stdout + done.stderr, json.loads(out.read_text())


def test_the_generic_edits_are_caught_at_least_nine_times_in_ten(tmp_path: Path) -> None:
    code, output, rows = harness(tmp_path)
    assert code == 0, output
    assert {str(row["kind"]) for row in rows} == KINDS
    pages = {str(row["page"]).split("/")[0] for row in rows}
    assert pages == {"specs", "runbooks", "docs"}
    caught = sum(1 for row in rows if row["caught"])
    assert caught / len(rows) >= 0.9
    assert re.search(rf"caught {caught}/{len(rows)} = ", output)


def test_without_the_claims_lock_the_harness_reports_the_misses(tmp_path: Path) -> None:
    code, output, rows = harness(tmp_path, "--without-lock")
    missed = [row for row in rows if not row["caught"]]
    assert code == 1 and missed
    first = missed[0]
    assert f"missed  {first['page']}:{first['line']} {first['kind']}" in output
