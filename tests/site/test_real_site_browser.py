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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_rig import badge, search, serve
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
    listed = set(page.locator("h3 code").all_inner_texts())
    assert {claim["id"] for claim in report["claims"]} <= listed
