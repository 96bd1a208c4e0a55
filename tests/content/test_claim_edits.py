"""Issue 12's table, the rows about claims: each edit a docs maintainer might make to one page
now fails `pytest PAGE` on that page, naming the page, the claim's line and the claim.

Each test edits a temporary copy of the page (in a copy of the project with its claims lock)
and runs it in its own pytest session, as CI would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from claim_edits import edited, line_of, run_edited

STORAGE = Path("specs") / "behaviors" / "storage.md"
OPERATIONS = Path("docs") / "operations" / "runbook.md"
WONT_BOOT = Path("runbooks") / "api-wont-boot.md"

# (page, claim, the model figure its sentence states, as written, the maintainer's edit)
FIGURES = {
    "toleration 300 s -> 60 s": (STORAGE, "storage.node-failure-loses-unpushed",
                                 "k8s.not-ready-toleration", "300 s", "60 s"),
    "exit code 143 -> 137": (STORAGE, "storage.sigterm-exits-at-once",
                             "process.sigterm-exit-code", "143", "137"),
    "one hour -> ten minutes": (OPERATIONS, "ops.logs-show-retry-schedule",
                                "push.backoff-cap", "one hour", "ten minutes"),
    "up to five minutes -> one minute": (WONT_BOOT, "boot.key-fix-recovers-in-place",
                                         "k8s.crashloop-cap", "five minutes", "one minute"),
}


def failures(output: str, page: Path, line: int) -> list[str]:
    """The failure lines the run printed for ``page:line``."""
    return [text for text in output.splitlines() if text.startswith(f"{page.as_posix()}:{line}: ")]


@pytest.mark.parametrize("row", list(FIGURES))
def test_a_changed_figure_fails_against_the_model_and_the_lock(tmp_path: Path, row: str) -> None:
    page, claim, figure, old, new = FIGURES[row]
    text = edited(page, f'"{figure}", "{old}"', f'"{figure}", "{new}"')
    run = run_edited(tmp_path, page, text)
    line = line_of(text, f"claim: {claim}")
    said = failures(run.output, page, line)
    assert run.returncode == 1, run.output
    assert any(s.startswith(f"{page.as_posix()}:{line}: claim {claim!r}: {new!r} is not the "
                            f"model's {figure}") for s in said), run.output
    assert any(f"claim {claim!r}: its sentence changed but its checks did not" in s
               for s in said), run.output


def test_a_changed_figure_written_bare_fails_the_lint(tmp_path: Path) -> None:
    # The edit as the issue found it: the figure typed over the checked value.
    text = edited(STORAGE, '{{ fact("k8s.not-ready-toleration", "300 s") }}', "60 s")
    run = run_edited(tmp_path, STORAGE, text)
    line = line_of(text, "claim: storage.node-failure-loses-unpushed")
    said = failures(run.output, STORAGE, line)
    assert any("claim 'storage.node-failure-loses-unpushed' states '60' bare" in s for s in said)


@pytest.mark.parametrize(("page", "claim", "old", "new"), [
    (STORAGE, "storage.data-on-emptydir", "kept across\ncontainer restarts",
     "wiped across\ncontainer restarts"),
    (OPERATIONS, "ops.container-restart-keeps-local-commits",
     "A **container** restart keeps them", "A **container** restart loses them"),
])
def test_a_reversed_sentence_fails_with_old_and_new_side_by_side(
        tmp_path: Path, page: Path, claim: str, old: str, new: str) -> None:
    text = edited(page, old, new)
    run = run_edited(tmp_path, page, text)
    line = line_of(text, f"claim: {claim}")
    assert run.returncode == 1, run.output
    assert failures(run.output, page, line) == [
        f"{page.as_posix()}:{line}: claim {claim!r}: its sentence changed but its checks did "
        "not since the claims lock claims.lock"], run.output
    locked = next(s for s in run.output.splitlines() if s.startswith("    locked: "))
    now = next(s for s in run.output.splitlines() if s.startswith("    now:    "))
    assert " ".join(old.split()) in locked and " ".join(new.split()) in now


def test_a_claims_only_check_unmarked_fails_the_claim(tmp_path: Path) -> None:
    claim = "storage.durable-on-origin"
    text = edited(STORAGE, f'```{{.python claim="{claim}"}}', "```{.python}")
    run = run_edited(tmp_path, STORAGE, text)
    line = line_of(text, f"claim: {claim}")
    said = failures(run.output, STORAGE, line)
    assert run.returncode == 1, run.output
    assert any(s.startswith(f"{STORAGE.as_posix()}:{line}: claim {claim!r} has no check")
               for s in said), run.output
    assert any(f"claim {claim!r}: its checks changed but its sentence did not" in s
               for s in said), run.output
