"""Every sample page, run in one inner pytest session: outcomes, locations, report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ALL_SAMPLES, PAGE_PROBLEMS, InnerRun, fences, line_of, run_inner

PASSING = {
    "passing.md": "all",
    "wildcard.md": "all",
    "shared-session.md": "all",
    "world.md": "all",
}


def failure_text(run: InnerRun, location: str) -> str:
    """The failure section whose first line starts with ``location`` (file.md:line)."""
    for section in re.split(r"\n_{3,} .* _{3,}\n", run.output):
        if section.startswith(location):
            return section
    raise AssertionError(f"no failure starting with {location}:\n{run.output}")


def test_passing_pages_pass(serial_run: InnerRun) -> None:
    for sample in PASSING:
        statuses = serial_run.statuses(sample)
        assert statuses == [(line, "pass") for line in fences(sample)], sample


def test_every_block_of_every_sample_is_reported(serial_run: InnerRun) -> None:
    unchecked = {"claims.md": [line_of("claims.md", "claim: samples.never-checked")]}
    for sample in ALL_SAMPLES:
        want = [PAGE_PROBLEMS[sample]] if sample in PAGE_PROBLEMS else fences(sample)
        want = sorted(want + unchecked.get(sample, []))
        assert [line for line, _ in serial_run.statuses(sample)] == want, sample


def test_output_mismatch_names_command_line_and_diff(serial_run: InnerRun) -> None:
    line = line_of("output-mismatch.md", "$ printf")
    text = failure_text(serial_run, f"samples/output-mismatch.md:{line}:")
    assert "output of `printf 'red\\ngreen\\n'` does not match" in text
    assert "-blue\n+green" in text
    assert serial_run.statuses("output-mismatch.md") == [(3, "fail")]


def test_world_mutation_in_python_is_seen_by_next_console_block(serial_run: InnerRun) -> None:
    assert [status for _, status in serial_run.statuses("world.md")] == ["pass"] * 3


def test_unknown_world_fails_page_at_line_one(serial_run: InnerRun) -> None:
    text = failure_text(serial_run, "samples/unknown-world.md:1:")
    assert "unknown world 'no-such-world'" in text
    assert serial_run.statuses("unknown-world.md") == [(6, "fail")]


def test_notest_with_reason_skips_and_illustration_is_listed(serial_run: InnerRun) -> None:
    skip, yaml = fences("notest.md")
    assert serial_run.block("notest.md", skip)["reason"] == "talks to GitHub"
    assert serial_run.block("notest.md", yaml)["reason"] == "illustration (yaml)"
    assert serial_run.statuses("notest.md") == [(skip, "skip"), (yaml, "skip")]


def test_notest_without_reason_fails(serial_run: InnerRun) -> None:
    assert "notest needs a reason" in failure_text(serial_run, "samples/notest-no-reason.md:3:")


def test_malformed_options_fail_at_their_fence(serial_run: InnerRun) -> None:
    first, second = fences("malformed-option.md")
    assert "timeout='soon'" in failure_text(serial_run, f"samples/malformed-option.md:{first}:")
    text = failure_text(serial_run, f"samples/malformed-option.md:{second}:")
    assert "'continuation'" in text


def test_blocks_hidden_in_admonition_and_tab_fail(serial_run: InnerRun) -> None:
    for line in fences("admonition.md"):
        text = failure_text(serial_run, f"samples/admonition.md:{line}:")
        assert "not collected (nested in an admonition" in text
    assert {status for _, status in serial_run.statuses("admonition.md")} == {"fail"}


def test_unknown_language_and_plain_fence_fail(serial_run: InnerRun) -> None:
    assert "unknown fence language 'ruby'" in failure_text(
        serial_run, "samples/unknown-language.md:3:"
    )
    assert "use brace form ```{.python}" in failure_text(serial_run, "samples/plain-fence.md:3:")


def test_timeouts_fail_with_location_and_limit(serial_run: InnerRun) -> None:
    console, python = fences("timeout.md")
    text = failure_text(serial_run, f"samples/timeout.md:{console + 1}:")
    assert "`sleep 30`: timed out after 0.5 s" in text
    assert "timed out after 0.5 s" in failure_text(serial_run, f"samples/timeout.md:{python}:")


def test_network_attempts_fail_clearly(serial_run: InnerRun) -> None:
    console, python, bash = fences("network.md")
    blocked = "network access is blocked in this sandbox"
    text = failure_text(serial_run, f"samples/network.md:{console + 1}:")
    assert f"{blocked} (curl -s https://example.com/)" in text
    assert blocked in failure_text(serial_run, f"samples/network.md:{python + 2}:")
    assert blocked in failure_text(serial_run, f"samples/network.md:{bash}:")


def test_python_failure_points_at_the_failing_line(serial_run: InnerRun) -> None:
    line = line_of("python-failure.md", "assert value")
    text = failure_text(serial_run, f"samples/python-failure.md:{line}:")
    assert "AssertionError: value should be two" in text


def test_python_blocks_share_one_page_namespace_and_run_once(serial_run: InnerRun) -> None:
    first, failing, last = fences("python-namespace.md")
    raised = line_of("python-namespace.md", "raise RuntimeError")
    text = failure_text(serial_run, f"samples/python-namespace.md:{raised}:")
    assert "Python block raised RuntimeError: planned failure" in text
    assert serial_run.statuses("python-namespace.md") == [
        (first, "pass"), (failing, "fail"), (last, "pass")
    ]


def test_bash_block_fails_on_any_failing_command(serial_run: InnerRun) -> None:
    failing, expected_three = fences("bash-failure.md")
    text = failure_text(serial_run, f"samples/bash-failure.md:{failing}:")
    assert "command `false` failed" in text
    assert serial_run.statuses("bash-failure.md") == [(failing, "fail"), (expected_three, "pass")]


def test_claims_report_and_undeclared_claim(serial_run: InnerRun) -> None:
    checked, undeclared = fences("claims.md")
    assert "claim 'samples.not-declared' is not declared" in failure_text(
        serial_run, f"samples/claims.md:{undeclared}:"
    )
    claims = {c["id"]: c for c in serial_run.report["claims"]}
    counter = claims["samples.counter-starts-at-zero"]
    assert counter["status"] == "pass"
    assert counter["text"] == "A fresh counter reads zero."
    assert counter["line"] == line_of("claims.md", "claim: samples.counter")
    assert counter["checks"] == [{"file": "samples/claims.md", "line": checked, "status": "pass"}]
    assert claims["samples.never-checked"]["status"] == "unchecked"
    never = line_of("claims.md", "claim: samples.never-checked")
    assert failure_text(serial_run, f"samples/claims.md:{never}:").startswith(
        f"samples/claims.md:{never}: claim 'samples.never-checked' has no check: no runnable "
        'block on this page carries claim="samples.never-checked"')


def test_summary_counts_match_blocks(serial_run: InnerRun) -> None:
    blocks, summary = serial_run.report["blocks"], serial_run.report["summary"]
    assert summary["blocks"] == len(blocks)
    for status in ("pass", "fail", "skip"):
        assert summary[status] == sum(1 for b in blocks if b["status"] == status)
    assert serial_run.returncode == 1


def _without_durations(run: InnerRun) -> dict[str, object]:
    """The report minus what differs between any two runs: durations and the finish time."""
    blocks = [{k: v for k, v in b.items() if k != "duration_s"} for b in run.report["blocks"]]
    summary = {k: v for k, v in run.report["summary"].items() if k != "finished_at"}
    return {**run.report, "blocks": blocks, "summary": summary}


def test_parallel_report_equals_serial_report(serial_run: InnerRun, parallel_run: InnerRun) -> None:
    assert "2 workers" in parallel_run.output
    assert _without_durations(parallel_run) == _without_durations(serial_run)


def test_wildcards_against_long_output_match_or_fail_quickly(serial_run: InnerRun) -> None:
    fits, misses = fences("wildcard-long-output.md")
    assert serial_run.statuses("wildcard-long-output.md") == [(fits, "pass"), (misses, "fail")]
    text = failure_text(serial_run, f"samples/wildcard-long-output.md:{misses + 1}:")
    assert "output of `seq 3000` does not match" in text


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        ("front-matter-typo.md", "unknown front-matter key 'wrold' "),
        ("not-utf8.md", "page is not UTF-8 (byte 0xe9 on this line)"),
        ("duplicate-claim.md", "claim 'sample.duplicate' is already declared at "),
    ],
)
def test_a_page_that_cannot_be_read_fails_alone_in_one_line(
    serial_run: InnerRun, sample: str, message: str
) -> None:
    line = PAGE_PROBLEMS[sample]
    text = failure_text(serial_run, f"samples/{sample}:{line}:")
    assert message in text and len(text.strip().splitlines()) == 1, text
    assert serial_run.statuses(sample) == [(line, "fail")]
    assert "error during collection" not in serial_run.output
    assert {status for _, status in serial_run.statuses("passing.md")} == {"pass"}


def test_kubectl_without_a_world_reaches_nothing_and_says_so(serial_run: InnerRun) -> None:
    want = [(line, "pass") for line in fences("no-world-kubectl.md")]
    assert serial_run.statuses("no-world-kubectl.md") == want


def test_a_finished_run_marks_its_report_complete(serial_run: InnerRun) -> None:
    assert serial_run.report["summary"]["complete"] is True
    assert "INCOMPLETE" not in serial_run.output


def test_a_run_stopped_early_marks_its_report_incomplete(tmp_path: Path) -> None:
    run = run_inner(tmp_path, ["bash-failure.md", "passing.md"], "-x")
    summary = run.report["summary"]
    assert summary["complete"] is False
    assert summary["incomplete_reason"].startswith("stopped early (stopping after 1 failures)")
    assert summary["incomplete_reason"].endswith(f"; {summary['blocks']} blocks ran")
    assert run.statuses("passing.md") == []
    assert "docproof: report marked INCOMPLETE: stopped early" in run.output


def test_exit_in_a_bash_block_ends_the_block_and_the_session_goes_on(serial_run: InnerRun) -> None:
    want = [(line, "pass") for line in fences("shell-exit.md")]
    assert serial_run.statuses("shell-exit.md") == want


def test_unterminated_heredoc_and_continuation_fail_at_their_line(serial_run: InnerRun) -> None:
    heredoc, continuation, later = fences("unterminated.md")
    text = failure_text(serial_run, f"samples/unterminated.md:{heredoc + 1}:")
    assert "unterminated heredoc (no line 'EOF' ends it)" in text
    text = failure_text(serial_run, f"samples/unterminated.md:{continuation + 1}:")
    assert "unterminated continuation" in text
    assert serial_run.statuses("unterminated.md") == [
        (heredoc, "fail"), (continuation, "fail"), (later, "pass")
    ]
    assert "timed out" not in serial_run.block("unterminated.md", heredoc)["reason"]


def test_fences_inside_markdown_html_blocks_run(serial_run: InnerRun) -> None:
    details, div = line_of("details-fence.md", "{.bash}"), line_of("details-fence.md", "{.console}")
    assert serial_run.statuses("details-fence.md") == [(details, "pass"), (div, "pass")]


def test_an_unclosed_fence_fails_at_its_opening_line(serial_run: InnerRun) -> None:
    text = failure_text(serial_run, "samples/unclosed-fence.md:3:")
    assert "fence opened here is never closed (no closing ```)" in text
    assert serial_run.statuses("unclosed-fence.md") == [(3, "fail")]
