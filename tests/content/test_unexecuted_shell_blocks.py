"""The home page says every shell command was executed against the simulated world, `gh`
against its GitHub API included: hold every page's shell blocks to that (none skipped), and
the one variant stated but not run (kubeseal) to being marked as an assumption."""

from pathlib import Path

from docproof.authoring.page import read_page

REPO = Path(__file__).resolve().parents[2]
PAGES = [*sorted((REPO / "specs").rglob("*.md")), *sorted((REPO / "runbooks").rglob("*.md")),
         *sorted((REPO / "docs").rglob("*.md"))]
SHELL = {"console", "bash"}


def shell_blocks() -> list[tuple[str, str | None, str]]:
    """(where, notest reason or None, the block's text) for every shell block."""
    found = []
    for path in PAGES:
        for block in read_page(path, path.relative_to(REPO)).blocks:
            if block.options and block.options.lang in SHELL:
                found.append((f"{path.relative_to(REPO)}:{block.line}", block.options.notest,
                              block.body))
    return found


def test_no_shell_block_is_left_unexecuted() -> None:
    blocks = shell_blocks()
    assert len(blocks) > 50, "few shell blocks found: has the page grammar changed?"
    skipped = [(where, reason) for where, reason, _ in blocks if reason]
    assert not skipped, f"shell blocks not run: {skipped}"


def test_gh_and_kubectl_apply_blocks_run() -> None:
    """The GitHub and Secret steps are among the executed blocks, not prose."""
    text = "\n".join(source for _, _, source in shell_blocks())
    for command in ("gh api -X DELETE repos/CodeForPhilly/codeforphilly-data/branches/",
                    "gh repo deploy-key add", "gh repo deploy-key delete",
                    "gh repo deploy-key list", "| kubectl apply -f -"):
        assert command in text, f"no executed shell block runs {command!r}"


def test_the_home_page_states_it_and_the_kubeseal_variant_is_an_assumption() -> None:
    home = " ".join((REPO / "docs" / "index.md").read_text().split())
    assert "every shell command was executed, verbatim, against that simulated world" in home
    assert "`gh` against its GitHub API" in home
    rotate = " ".join((REPO / "runbooks" / "rotate-deploy-key.md").read_text().split())
    assert "**Assumption (UNVERIFIED):**" in rotate and "kubeseal -o yaml" in rotate
