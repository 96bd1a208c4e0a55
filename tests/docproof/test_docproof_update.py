"""Update mode rewrites mismatching expected output in place and says what changed."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLES, run_inner


def test_update_mode_rewrites_mismatch_and_keeps_matching_output(tmp_path: Path) -> None:
    run = run_inner(tmp_path, ["update-mode.md"], "--docproof-update")
    page = tmp_path / "samples" / "update-mode.md"
    assert run.returncode == 0, run.output
    assert "docproof: samples/update-mode.md:3: updated expected output (console)" in run.output
    expected = (SAMPLES / "update-mode.md").read_text().replace("stale output", "fresh output")
    assert page.read_text() == expected  # the wildcard `...` of a matching command is kept
    assert run.statuses("update-mode.md") == [(3, "pass")]

    again = run_inner(tmp_path, [], "samples/update-mode.md")
    assert again.returncode == 0, again.output
    assert "updated expected output" not in again.output


def test_without_update_flag_the_page_is_left_alone(tmp_path: Path) -> None:
    run = run_inner(tmp_path, ["update-mode.md"])
    assert run.returncode == 1
    assert (tmp_path / "samples" / "update-mode.md").read_text() == (
        SAMPLES / "update-mode.md"
    ).read_text()
