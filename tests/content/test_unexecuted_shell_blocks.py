"""The home page says every shell command ran against the simulated world except the few
only GitHub or the real cluster can answer, each with its stand-in checked beside it: hold
every page's skipped shell blocks to that."""

import re
from pathlib import Path

from docproof.authoring.page import read_page

REPO = Path(__file__).resolve().parents[2]
PAGES = [*sorted((REPO / "specs").rglob("*.md")), *sorted((REPO / "runbooks").rglob("*.md")),
         *sorted((REPO / "docs").rglob("*.md"))]
SHELL = {"console", "bash"}
# What only GitHub or the real cluster can answer, as the home page lists it.
OUTSIDE_THE_SIMULATION = re.compile(r"GitHub|real repository|sealed Secret|ingress")
STAND_IN = re.compile(r"stand-in|modelled by")


def skipped_shell_blocks() -> list[tuple[str, str]]:
    found = []
    for path in PAGES:
        for block in read_page(path, path.relative_to(REPO)).blocks:
            if block.options and block.options.lang in SHELL and block.options.notest:
                found.append((f"{path.relative_to(REPO)}:{block.line}", block.options.notest))
    return found


def test_every_skipped_shell_command_is_one_only_github_or_the_cluster_can_answer() -> None:
    skipped = skipped_shell_blocks()
    assert skipped, "no skipped shell block found: has the page grammar changed?"
    wrong = [(where, reason) for where, reason in skipped
             if not (OUTSIDE_THE_SIMULATION.search(reason) and STAND_IN.search(reason))]
    assert not wrong, f"skipped for another reason, or with no stand-in named: {wrong}"


def test_the_home_page_states_the_exception() -> None:
    home = " ".join((REPO / "docs" / "index.md").read_text().split())
    promise = "every shell command was executed, verbatim, against that simulated world, except"
    assert promise in home
