"""Pages that run against a podsim world through the root conftest (the only glue).

The sample pages and their edited copies run in one pytest session (`pages`), each page in
its own folder and its own sandbox with its own world; each test reads its page's blocks."""

import pytest
from page_session import REPO, PageRun, run_pages

SAMPLES = REPO / "tests" / "samples" / "podsim"
OOM = (SAMPLES / "oom-kill.md").read_text()
FETCH = (SAMPLES / "fetch-from-pod.md").read_text()

# Folder -> (page name, text): the samples as they are, and edited so they must fail.
PAGES = {
    "oom": ("oom-kill.md", OOM),
    "oom-restarts-edited": ("oom-kill.md", OOM.replace("1 (0s ago)", "2 (0s ago)")),
    "fetch": ("fetch-from-pod.md", FETCH),
    # The listing is checked against the world: drop one of the writes and the page fails.
    "fetch-write-dropped": ("fetch-from-pod.md",
                            FETCH.replace("Update people/volunteer-0001\n", "", 1)),
    "unknown": ("nope.md",
                "---\nworld: no-such-incident\n---\n# x\n\n```{.console}\n$ true\n```\n"),
}


def shown(folder: str) -> str:
    return f"{folder}/{PAGES[folder][0]}"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> PageRun:
    workdir = tmp_path_factory.mktemp("world-pages")
    for folder, (name, text) in PAGES.items():
        (workdir / folder).mkdir()
        (workdir / folder / name).write_text(text)
    return run_pages(workdir, *(workdir / shown(folder) for folder in PAGES))


def test_the_edited_pages_fail_the_session(pages: PageRun) -> None:
    assert pages.returncode == 1, pages.output


def test_oom_kill_page_observes_the_restart(pages: PageRun) -> None:
    assert pages.statuses(shown("oom")) == ["pass", "pass"], pages.output


def test_editing_the_restart_count_fails_the_page(pages: PageRun) -> None:
    assert pages.statuses(shown("oom-restarts-edited")) == ["pass", "fail"]
    page = shown("oom-restarts-edited")
    assert f"{page}:15: output of `kubectl -n codeforphilly-rewrite-sandbox get pods`" in (
        pages.output)
    assert "+codeforphilly-pg8lx8gnfb-6z8t7   0/1     Running   1 (0s ago)   35s" in pages.output


def test_fetch_from_pod_lists_the_writes_made_while_origin_was_down(pages: PageRun) -> None:
    assert set(pages.statuses(shown("fetch"))) == {"pass"}, pages.output
    assert "fail" in pages.statuses(shown("fetch-write-dropped"))
    assert "+Update people/volunteer-0001" in pages.output


def test_unknown_scenario_fails_the_page_naming_the_valid_ones(pages: PageRun) -> None:
    assert set(pages.statuses(shown("unknown"))) == {"fail"}
    assert f"{shown('unknown')}:1: world 'no-such-incident'" in pages.output
    assert "pod-delete" in pages.output
