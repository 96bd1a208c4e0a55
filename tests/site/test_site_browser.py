"""The built site in headless Chromium: badges, search, Mermaid, code copy, offline.

Uses the system Chromium (Debian package `chromium`) through Playwright with
`executable_path`, against the sample site served from a local HTTP server. Without Chromium
or Playwright the tests skip with the reason, except under CI (CI=true), where they fail.
Saves a screenshot of the sample spec page to .docproof/site-browser.png.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NoReturn

import pytest
from site_project import REPO, SiteProject

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / ".docproof" / "site-browser.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Material draws Mermaid into a closed shadow root; open it so the test can see the SVG.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, {...init, mode: "open"});
};
"""


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser test")
    pytest.skip(reason)


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path is None:
        _unavailable("no Chromium found (apt-get install chromium, or set CHROMIUM)")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site, built with its report and served on a free local port."""
    project = SiteProject.sample(tmp_path_factory.mktemp("browser-site"))
    result = project.build()
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(project.root / "site"))
    # The socket listens once the constructor returns: requests queue until serve_forever.
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[browser]')")
    home = tmp_path_factory.mktemp("chromium-home")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS,
            env={"HOME": str(home), "PATH": os.environ.get("PATH", "")},
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page that may load nothing but the local site."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOW_ROOTS)
    outside: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    opened = context.new_page()
    yield opened
    context.close()
    assert outside == [], f"the site requested other hosts: {outside}"


def _badge(element: Any) -> str:
    return str(element.evaluate("e => getComputedStyle(e, '::before').content"))


def test_spec_page_shows_badges_a_diagram_and_copy_buttons(page: Any, base_url: str) -> None:
    page.goto(base_url + "specs/behaviors/sample/")
    verified = page.locator('[data-docproof-status="pass"]')
    assert verified.count() == 3
    assert "verified" in _badge(verified.first)
    assert "failing" in _badge(page.locator('[data-docproof-status="fail"]'))
    assert "not run: talks to GitHub" in _badge(page.locator('[data-docproof-status="skip"]'))
    diagrams = page.locator("div.mermaid svg")
    diagrams.nth(1).wait_for(state="attached")
    assert diagrams.count() == 2  # a hand-drawn one, and a scenario trace from a macro
    assert "Push daemon" in diagrams.nth(1).text_content()
    copy_buttons = page.locator('button.md-code__button[data-md-type="copy"]')
    assert copy_buttons.count() == len(page.locator("div.highlight").all())
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_search_finds_empty_dir(page: Any, base_url: str) -> None:
    page.goto(base_url)
    search = page.locator("input.md-search__input")
    search.click()
    # The worker loads the index first; a query typed before that is not re-run.
    page.get_by_text("Type to start searching").wait_for()
    search.press_sequentially("emptyDir")  # Material searches on key events
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert "emptyDir" in results.first.inner_text()
    titles = page.locator(".md-search-result__article h1").all_inner_texts()
    assert "Sample storage spec" in titles
