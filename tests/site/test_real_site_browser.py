"""The repository's own built site in headless Chromium, after the verification run.

`nox -s tests` runs this once `mkdocs build --strict` has rendered the report of the full
run, with DOCPROOF_BUILT_SITE pointing at the built site. The storage spec must show a
verified badge on every block the report says passed, its scenario diagrams as SVG, and a
copy button per code block; search must find "emptyDir". Saves a screenshot of the spec's
known-gaps section (badges and diagrams) to .docproof/site-storage.png.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_rig import badge, local_page, search, serve
from site_project import REPO

BUILT = os.environ.get("DOCPROOF_BUILT_SITE")
SPEC = "specs/behaviors/storage.md"
SCREENSHOT = REPO / ".docproof" / "site-storage.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not BUILT, reason="checks the built site; nox -s tests runs it after `mkdocs build`"
    ),
]


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((REPO / ".docproof" / "report.json").read_text())
    return loaded


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(Path(str(BUILT))) as url:
        yield url


@pytest.fixture(scope="module")
def storage_at_desktop(browser: Any, base_url: str) -> Iterator[Any]:
    """The storage spec at 1440 x 900, loaded once for the tests that only measure it."""
    with local_page(browser, base_url) as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(base_url + "specs/behaviors/storage/")
        yield page



def test_storage_spec_shows_what_the_report_verified(
    page: Any, base_url: str, report: dict[str, Any]
) -> None:
    passed = [b for b in report["blocks"] if b["file"] == SPEC and b["status"] == "pass"]
    assert passed, f"the report has no passing block of {SPEC}"
    page.goto(base_url + "specs/behaviors/storage/")
    verified = page.locator('[data-docproof-status="pass"]')
    assert verified.count() == len(passed)
    assert page.locator('[data-docproof-status="fail"]').count() == 0
    assert "verified" in badge(verified.first)
    copy_buttons = page.locator('button.md-code__button[data-md-type="copy"]')
    assert copy_buttons.count() == len(page.locator("div.highlight").all())
    diagrams = page.locator("div.mermaid svg")
    diagrams.nth(1).wait_for(state="attached")
    assert "Push daemon" in diagrams.nth(1).text_content()
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.evaluate("document.getElementById('no-drain-on-sigterm').scrollIntoView()")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))


def test_search_finds_empty_dir_in_the_spec(page: Any, base_url: str) -> None:
    results = search(page, base_url, "emptyDir")
    assert "emptyDir" in results.first.inner_text()
    assert "Storage" in page.locator(".md-search-result__article h1").all_inner_texts()


def test_claims_page_lists_every_claim_of_the_report(
    page: Any, base_url: str, report: dict[str, Any]
) -> None:
    page.goto(base_url + "claims/")
    listed = set(page.locator("h3 code").all_text_contents())
    assert {claim["id"] for claim in report["claims"]} <= listed


def _pages_with(selector_text: str) -> list[str]:
    # Site paths of the built pages whose HTML holds `selector_text`.
    site = Path(str(BUILT))
    return sorted(str(path.parent.relative_to(site)) + "/"
                  for path in site.rglob("index.html") if selector_text in path.read_text())


# Each console block's copy button clicked from the page's script, in order: the clipboard is
# emptied first, so a click that copies nothing reads as "" rather than the previous block.
_COPY_EVERY_CONSOLE_BLOCK = """async () => {
  const copied = [];
  for (const block of document.querySelectorAll('div.language-console')) {
    await navigator.clipboard.writeText('');
    block.querySelector('button[data-md-type="copy"]').click();
    copied.push(await navigator.clipboard.readText());
  }
  return copied;
}"""


def test_every_console_copy_button_copies_runnable_commands(page: Any, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copied: list[tuple[str, str]] = []
    for path in _pages_with("language-console"):
        page.goto(base_url + path)
        # The buttons' own click handler, run for every block in one round trip (a mouse
        # click each cost ~0.1 CPU-s of Chromium and Playwright, for 127 blocks).
        texts = page.evaluate(_COPY_EVERY_CONSOLE_BLOCK)
        assert len(texts) == page.locator("div.language-console").count()
        # A real click on the page's first button: Playwright scrolls it into view, checks
        # that it is visible and not covered, and moves the mouse there; it copies the same.
        page.evaluate("navigator.clipboard.writeText('')")
        page.locator('div.language-console button[data-md-type="copy"]').first.click()
        assert page.evaluate("navigator.clipboard.readText()") == texts[0], path
        copied += [(f"{path} block {index + 1}", text) for index, text in enumerate(texts)]
    assert len(copied) > 20, "the site lost its console blocks"
    for where, text in copied:
        assert text.strip(), where
        assert not any(line.startswith(("$ ", "> ")) for line in text.splitlines()), (where, text)
        checked = subprocess.run(["bash", "-n"], input=text, text=True, capture_output=True)
        assert checked.returncode == 0, (where, text, checked.stderr)


def test_hand_selection_skips_prompts_and_output(page: Any, base_url: str) -> None:
    page.goto(base_url + "runbooks/unpushed-commits/")
    prompt = page.locator("div.language-console .gp").first
    output = page.locator("div.language-console .go").first
    assert prompt.evaluate("e => getComputedStyle(e).userSelect") == "none"
    assert output.evaluate("e => getComputedStyle(e).userSelect") == "none"


def test_collapsed_checks_take_little_of_the_storage_spec(storage_at_desktop: Any) -> None:
    page = storage_at_desktop
    panels = page.locator("details.docproof-checks")
    assert panels.count() > 10
    assert all(not open_ for open_ in panels.evaluate_all("ps => ps.map(p => p.open)"))
    titles = panels.locator("summary").all_inner_texts()
    assert all(t.startswith("Checked against the simulation: ") for t in titles), titles
    share = page.evaluate("""() => [...document.querySelectorAll('details.docproof-checks')]
        .reduce((sum, p) => sum + p.getBoundingClientRect().height, 0)
        / document.documentElement.scrollHeight""")
    assert share <= 0.15, f"collapsed check panels take {share:.0%} of the page"
    # Operator steps stay in the flow, outside any panel.
    assert page.locator("details.docproof-checks div.language-console").count() == 0
    assert page.locator("div.language-console").first.is_visible()


# Where a Range over one word has more than one line box, the word was broken across lines.
_WORDS_SPLIT_ACROSS_LINES = """cells => cells.flatMap(cell => {
  const text = cell.firstChild;
  const broken = [];
  for (const match of text.textContent.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(text, match.index);
    range.setEnd(text, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) broken.push(match[0]);
  }
  return broken;
})"""


@pytest.mark.parametrize("path", ["runbooks/unpushed-commits/", "runbooks/api-wont-boot/",
                                  "operations/runbook/"])
def test_error_signatures_never_break_inside_a_word_on_a_phone(
    page: Any, base_url: str, path: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + path)
    cells = page.locator("table td code", has_text="Permission denied (publickey)")
    assert cells.count() >= 1
    assert cells.evaluate_all(_WORDS_SPLIT_ACROSS_LINES) == []


def test_scenario_diagram_text_is_readable_at_desktop_width(storage_at_desktop: Any) -> None:
    page = storage_at_desktop
    diagrams = page.locator("div.mermaid svg")
    diagrams.nth(1).wait_for(state="attached")
    sizes = page.evaluate("""() => [...document.querySelectorAll('div.mermaid')].flatMap(d => {
        const svg = d.shadowRoot.querySelector('svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
            .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    })""")
    assert sizes and min(sizes) >= 11, f"smallest diagram text {min(sizes):.1f} px"


def test_claims_index_totals_match_the_report(
    page: Any, base_url: str, report: dict[str, Any]
) -> None:
    page.goto(base_url + "claims/")
    totals = page.locator("p.docproof-claims-totals")
    claims = report["claims"]
    passed = sum(claim["status"] == "pass" for claim in claims)
    assert totals.inner_text().startswith(f"{len(claims)} claims on ")
    assert f"{passed} verified" in totals.inner_text()
    groups = page.locator("details.docproof-claims-group")
    assert groups.count() == len({claim["file"] for claim in claims})
    assert page.locator("details.docproof-claims-group[open]").count() == 0


def test_reference_example_names_a_real_page_and_claim(
    page: Any, base_url: str, report: dict[str, Any]
) -> None:
    page.goto(base_url + "reference/verification-report/")
    example = json.loads(page.locator("div.language-json code").first.inner_text())
    claim, block = example["claims"][0], example["blocks"][0]
    assert claim in report["claims"]
    assert (REPO / claim["file"]).is_file() and (REPO / block["file"]).is_file()
    assert {"file": block["file"], "line": block["line"], "status": "pass"} in claim["checks"]


def test_home_leads_with_the_incident_section(page: Any, base_url: str) -> None:
    page.goto(base_url)
    assert page.locator("article h2").first.inner_text().startswith("During an incident")
