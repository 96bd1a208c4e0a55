"""The sample site in headless Chromium: badges, search, Mermaid, code copy, offline.

Saves a screenshot of the sample spec page to .docproof/site-browser.png. The real site is
checked the same way by test_real_site_browser.py once it is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_rig import badge, search, serve
from site_project import REPO, SiteProject

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / ".docproof" / "site-browser.png"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site, built with its report and served on a free local port."""
    project = SiteProject.sample(tmp_path_factory.mktemp("browser-site"))
    result = project.build()
    assert result.returncode == 0, result.stderr
    with serve(project.root / "site") as url:
        yield url



def test_spec_page_shows_badges_a_diagram_and_copy_buttons(page: Any, base_url: str) -> None:
    page.goto(base_url + "specs/behaviors/sample/")
    verified = page.locator('[data-docproof-status="pass"]')
    assert verified.count() == 3
    assert "verified" in badge(verified.first)
    assert "failing" in badge(page.locator('[data-docproof-status="fail"]'))
    assert "not run: talks to GitHub" in badge(page.locator('[data-docproof-status="skip"]'))
    diagrams = page.locator("div.mermaid svg")
    diagrams.nth(1).wait_for(state="attached")
    assert diagrams.count() == 2  # a hand-drawn one, and a scenario trace from a macro
    assert "Push daemon" in diagrams.nth(1).text_content()
    copy_buttons = page.locator('button.md-code__button[data-md-type="copy"]')
    assert copy_buttons.count() == len(page.locator("div.highlight").all())
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_search_finds_empty_dir(page: Any, base_url: str) -> None:
    results = search(page, base_url, "emptyDir")
    assert "emptyDir" in results.first.inner_text()
    titles = page.locator(".md-search-result__article h1").all_inner_texts()
    assert "Sample storage spec" in titles
