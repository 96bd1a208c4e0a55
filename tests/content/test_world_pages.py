"""Pages that run against a podsim world through the root conftest (the only glue)."""

from pathlib import Path
from typing import Any

from page_session import REPO, run_pages

SAMPLES = REPO / "tests" / "samples" / "podsim"


def run(workdir: Path, *pages: Path) -> tuple[int, str, dict[str, Any]]:
    result = run_pages(workdir, *pages)
    return result.returncode, result.output, result.report


def test_oom_kill_page_observes_the_restart(tmp_path: Path) -> None:
    page = tmp_path / "oom-kill.md"
    page.write_text((SAMPLES / "oom-kill.md").read_text())
    code, output, report = run(tmp_path, page)
    assert code == 0, output
    assert [b["status"] for b in report["blocks"]] == ["pass", "pass"]


def test_editing_the_restart_count_fails_the_page(tmp_path: Path) -> None:
    page = tmp_path / "oom-kill.md"
    page.write_text((SAMPLES / "oom-kill.md").read_text().replace("1 (0s ago)", "2 (0s ago)"))
    code, output, report = run(tmp_path, page)
    assert code == 1
    assert "oom-kill.md:15: output of `kubectl -n codeforphilly-rewrite-sandbox get pods`" in output
    assert "+codeforphilly-pg8lx8gnfb-6z8t7   0/1     Running   1 (0s ago)   35s" in output
    assert [b["status"] for b in report["blocks"]] == ["pass", "fail"]


def test_fetch_from_pod_lists_the_writes_made_while_origin_was_down(tmp_path: Path) -> None:
    page = tmp_path / "fetch-from-pod.md"
    page.write_text((SAMPLES / "fetch-from-pod.md").read_text())
    code, output, report = run(tmp_path, page)
    assert code == 0, output
    assert {b["status"] for b in report["blocks"]} == {"pass"}
    # The listing is checked against the world: drop one of the writes and the page fails.
    page.write_text(page.read_text().replace("Update people/volunteer-0001\n", "", 1))
    code, output, _ = run(tmp_path, page)
    assert code == 1 and "+Update people/volunteer-0001" in output


def test_unknown_scenario_fails_the_page_naming_the_valid_ones(tmp_path: Path) -> None:
    page = tmp_path / "nope.md"
    page.write_text("---\nworld: no-such-incident\n---\n# x\n\n```{.console}\n$ true\n```\n")
    code, output, _ = run(tmp_path, page)
    assert code == 1
    assert "nope.md:1: world 'no-such-incident'" in output and "pod-delete" in output
