"""Headless Chromium against a built site: serving, launching, and pages that stay local.

Uses the system Chromium (Debian package `chromium`) through Playwright with
`executable_path`. Without Chromium or Playwright the tests skip with the reason, except
under CI (CI=true), where they fail.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Material draws Mermaid into a closed shadow root; open it so the test can see the SVG.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, {...init, mode: "open"});
};
"""


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser test")
    pytest.skip(reason)


def chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path is None:
        unavailable("no Chromium found (apt-get install chromium, or set CHROMIUM)")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on a free local port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
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


@contextmanager
def launch(home: Path) -> Iterator[Any]:
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[browser]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS,
            env={"HOME": str(home), "PATH": os.environ.get("PATH", "")},
        )
        yield launched
        launched.close()


@contextmanager
def local_page(browser: Any, base_url: str) -> Iterator[Any]:
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
    yield context.new_page()
    context.close()
    assert outside == [], f"the site requested other hosts: {outside}"


def badge(element: Any) -> str:
    """The badge text the stylesheet draws before a code block."""
    return str(element.evaluate("e => getComputedStyle(e, '::before').content"))


def search(page: Any, base_url: str, query: str) -> Any:
    """Type `query` into Material's search; returns the result items locator."""
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    # The worker loads the index first; a query typed before that is not re-run.
    page.get_by_text("Type to start searching").wait_for()
    box.press_sequentially(query)  # Material searches on key events
    # Each key runs a search; under load the first results shown can be a prefix's. Those
    # of the whole query highlight it (<mark>) wherever it matched.
    page.locator(".md-search-result__item mark", has_text=query).first.wait_for()
    return page.locator(".md-search-result__item")
