"""The strict build enforces the claims as a page run does: the claims lock, the claim rules,
and each checked figure against the model (the `fact` macro)."""

from __future__ import annotations

from pathlib import Path

from site_project import SiteProject

from docproof.authoring import ClaimsLock, parse_page

SPEC = "specs/behaviors/sample.md"
SENTENCE = "A failed push is retried after a delay that doubles up to"


def locked_project(tmp_path: Path) -> SiteProject:
    """The sample site with a pyproject naming a claims lock that accepted its pages."""
    project = SiteProject.sample(tmp_path)
    (project.root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ndocproof_claims_lock = "claims.lock"\n')
    lock = ClaimsLock.read(project.root / "claims.lock")
    pages = [parse_page(p.read_text(), p.relative_to(project.root))
             for part in ("docs", "specs", "runbooks") for p in (project.root / part).rglob("*.md")]
    lock.accept(pages, {claim.id for page in pages for claim in page.claims})
    lock.write()
    return project


def edit(project: SiteProject, old: str, new: str) -> str:
    path = project.root / SPEC
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    return path.read_text()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_locked_sample_builds(tmp_path: Path) -> None:
    result = locked_project(tmp_path).build()
    assert result.returncode == 0, result.stderr


def test_a_sentence_changed_since_the_lock_fails_the_build(tmp_path: Path) -> None:
    project = locked_project(tmp_path)
    text = edit(project, "a delay that doubles", "a delay that halves")
    result = project.build()
    line = line_of(text, "claim: sample.retried")
    assert result.returncode != 0
    assert (f"{SPEC}:{line}: claim 'sample.retried': its sentence changed but its checks did "
            "not since the claims lock claims.lock") in result.stderr
    assert "now:    A failed push is retried after a delay that halves" in result.stderr


def test_an_unchecked_claim_fails_the_build(tmp_path: Path) -> None:
    project = locked_project(tmp_path)
    text = edit(project, '```{.console claim="sample.retried"}', "```{.console}")
    result = project.build()
    line = line_of(text, "claim: sample.retried")
    assert f"{SPEC}:{line}: claim 'sample.retried' has no check" in result.stderr


def test_a_figure_the_model_does_not_state_fails_the_build(tmp_path: Path) -> None:
    project = SiteProject.sample(tmp_path)
    text = edit(project, SENTENCE, SENTENCE.replace(
        "A failed push", 'After {{ fact("push.backoff-first", "2 s") }} a failed push'))
    result = project.build()
    line = line_of(text, 'fact("push.backoff-first"')
    assert result.returncode != 0
    assert f"{SPEC}:{line}: '2 s' is not the model's push.backoff-first (1 s)" in result.stderr


def test_a_figure_the_model_states_renders_as_written(tmp_path: Path) -> None:
    project = SiteProject.sample(tmp_path)
    edit(project, SENTENCE, SENTENCE.replace(
        "A failed push", 'After {{ fact("push.backoff-first", "one second") }} a failed push'))
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert "After one second a failed push is retried" in project.html("specs/behaviors/sample")
