"""The page run ends with one line saying what it verified: blocks, skips' reasons, claims."""

from __future__ import annotations

from pathlib import Path

from conftest import run_inner

from docproof.pytest_plugin import summary_line


def test_the_run_ends_with_the_verification_summary(tmp_path: Path) -> None:
    run = run_inner(tmp_path, ["passing.md", "notest.md", "claims.md"])
    summary = run.report["summary"]
    last = run.output.strip().splitlines()[-1]
    assert last == (f"docproof: {summary['pass']} passed, {summary['fail']} failed, "
                    f"{summary['skip']} skipped (all with reasons); "
                    f"claims {summary['claims_pass']}/{summary['claims']} verified")
    assert summary["skip"] > 0 and summary["claims"] > 0


def test_the_summary_counts_skips_without_a_reason_and_failing_claims() -> None:
    report = {
        "blocks": [{"status": "pass", "reason": None}, {"status": "skip", "reason": ""},
                   {"status": "fail", "reason": "x.md:3: boom"}],
        "summary": {"pass": 1, "fail": 1, "skip": 1, "claims": 2, "claims_pass": 1},
    }
    assert summary_line(report) == ("docproof: 1 passed, 1 failed, 1 skipped (1 without a "
                                    "reason); claims 1/2 verified")
