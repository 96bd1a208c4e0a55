"""The strict site build: publishing, verification status, claims, and failures naming pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from site_project import SAMPLES, Elements, SiteProject

REPORT = json.loads((SAMPLES / "site" / "report.json").read_text())
SPEC = "specs/behaviors/sample.md"


def _built(project: SiteProject) -> SiteProject:
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    """The sample site built once for the tests that only read it."""
    return _built(SiteProject.sample(tmp_path_factory.mktemp("built-site")))


def _url(page: str) -> str:
    return page.removesuffix(".md")


def test_specs_and_runbooks_are_published_at_their_repository_paths(built: SiteProject) -> None:
    assert (built.root / "site/specs/behaviors/sample/index.html").is_file()
    assert (built.root / "site/runbooks/sample-incident/index.html").is_file()
    assert (built.root / "site/operations/overview/index.html").is_file()


def test_repository_relative_links_resolve_on_the_site(built: SiteProject) -> None:
    overview = built.html("operations/overview")
    assert 'href="../../specs/behaviors/sample/#sample-storage-spec"' in overview
    spec = built.html("specs/behaviors/sample")
    assert 'href="../../../runbooks/sample-incident/#recover-writes"' in spec
    assert 'href="../../../operations/overview/"' in spec


def test_every_reported_block_carries_its_status(built: SiteProject) -> None:
    for block in REPORT["blocks"]:
        element = Elements(built.html(_url(block["file"]))).by_id(f"docproof-L{block['line']}")
        assert element["data-docproof-status"] == block["status"], block
        assert element.get("data-docproof-reason") == (block["reason"] or None), block


def test_blocks_missing_from_the_report_say_not_verified(built: SiteProject) -> None:
    yaml_block = Elements(built.html(_url(SPEC))).by_id("docproof-L44")
    assert "data-docproof-status" not in yaml_block
    assert yaml_block["data-docproof-unverified"] == "not in the verification report"


def test_every_code_block_gets_a_status_or_says_why_not(built: SiteProject) -> None:
    blocks = Elements(built.html(_url(SPEC))).code_blocks()
    assert len(blocks) == 6
    for block in blocks:
        assert ("data-docproof-status" in block) != ("data-docproof-unverified" in block), block


def test_page_footer_names_the_verified_commit_and_time(built: SiteProject) -> None:
    spec = built.html(_url(SPEC))
    assert "Verified at commit <code>0123abc</code>, 2026-01-02T03:04:05Z." in spec


def test_without_a_report_the_site_builds_and_says_not_verified(tmp_path: Path) -> None:
    project = _built(SiteProject.sample(tmp_path, with_report=False))
    spec = project.html(_url(SPEC))
    blocks = Elements(spec).code_blocks()
    assert blocks
    assert all(b["data-docproof-unverified"] == "no verification report" for b in blocks)
    assert "<strong>Not verified</strong>" in spec
    assert "not verified" in project.html("claims")


def test_claims_index_lists_every_claim_of_the_report(built: SiteProject) -> None:
    claims = built.html("claims")
    for claim in REPORT["claims"]:
        assert f"<code>{claim['id']}</code>" in claims, claim["id"]
    assert 'id="sample.lost-on-pod-delete"' in claims
    assert 'href="../specs/behaviors/sample/#docproof-L13"' in claims
    assert "In the report, declared nowhere" in claims
    # Links inside a claim's sentence still lead where they did on its page.
    assert 'href="../runbooks/sample-incident/#recover-writes"' in claims
    assert 'href="../specs/behaviors/sample/#sample-storage-spec"' in claims


def test_claims_render_as_chips_linking_to_the_index(built: SiteProject) -> None:
    chip = Elements(built.html(_url(SPEC))).by_id("claim-sample.lost-on-pod-delete")
    assert chip["class"] == "docproof-claim"
    assert chip["href"] == "../../../claims/#sample.lost-on-pod-delete"


def test_shell_and_jsonpath_survive_macro_rendering(built: SiteProject) -> None:
    text = re.sub(r"<[^>]+>", "", built.html(_url(SPEC)))
    assert "echo ${#A[@]} '{.items[0].metadata.name}'" in text


def test_backoff_macro_renders_the_models_schedule(built: SiteProject) -> None:
    spec = built.html(_url(SPEC))
    assert "doubles up to 1 h." in spec
    assert "<td>4</td>\n<td>8 s</td>\n<td>15 s</td>" in spec


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("broken-link", "contains a link '../../specs/behaviors/missing.md'"),
        ("broken-anchor", "#no-such-heading"),
        ("unknown-claim", ":3: unknown claim id 'nobody.declared-this'"),
        ("duplicate-claim", ":3: claim 'sample.retried' is already declared at "
                            "specs/behaviors/sample.md:19"),
        ("malformed-claim", ":3: malformed claim comment"),
        ("missing-macro-source", "scenario_fate"),
    ],
)
def test_a_broken_page_fails_the_build_naming_it(
    project: SiteProject, case: str, message: str
) -> None:
    page = project.add_case(case)
    result = project.build()
    assert result.returncode != 0
    assert page in result.stderr
    assert message in result.stderr


def test_claims_index_opens_with_totals_and_groups_claims_by_page(built: SiteProject) -> None:
    claims = built.html("claims")
    totals = re.search(r'<p class="docproof-claims-totals"[^>]*>(.*?)</p>', claims)
    assert totals is not None
    # Two claims are declared and pass; the report's third is declared nowhere.
    assert re.sub(r"<[^>]+>", "", totals.group(1)) == "2 claims on 1 page: 2 verified."
    groups = re.findall(r'<details class="docproof-claims-group">\s*<summary>([^<]*)', claims)
    assert groups == ["Sample storage spec: 2 claims, 2 verified"]
    assert claims.index("docproof-claims-totals") < claims.index("docproof-claims-group")
    # Each claim: its id coloured by status, its sentence, and a link to it on its page.
    assert 'class="docproof-claim-status-pass" id="sample.retried"' in claims
    assert 'href="../specs/behaviors/sample/#claim-sample.lost-on-pod-delete"' in claims


def test_a_report_of_an_unfinished_run_shows_as_incomplete(tmp_path: Path) -> None:
    project = SiteProject.sample(tmp_path)
    report = project.root / ".docproof" / "report.json"
    unfinished = json.loads(report.read_text())
    unfinished["summary"].update(complete=False, incomplete_reason="interrupted after 3 blocks")
    report.write_text(json.dumps(unfinished))
    _built(project)
    assert "<strong>Incomplete verification</strong> (interrupted after 3 blocks)" in (
        project.html(_url(SPEC))
    )
    assert "Incomplete verification</strong> (interrupted after 3 blocks)" in project.html("claims")
