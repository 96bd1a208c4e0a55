"""Screenshots of the built site for the handbook's own docs: docs/assets/screenshots/.

    .venv/bin/python scripts/screenshots.py [--site site] [--out docs/assets/screenshots]

Serves the built site (run `nox -s docs` first) on a free local port and saves, for each
view below (a page, scrolled to a section), one screen at 1440 px (desktop) and 390 px
(phone) wide, in the light scheme. Uses the system Chromium (/usr/bin/chromium, or
$CHROMIUM) through Playwright.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# Screenshot name -> site path (without index.html) and the section to scroll to ("": top).
VIEWS = {
    "storage-spec": ("specs/behaviors/storage/", ""),
    "storage-spec-fault-table": ("specs/behaviors/storage/", "per-fault"),
    "storage-spec-diagram": ("specs/behaviors/storage/", "no-drain-on-sigterm"),
    "ops-runbook-commands": ("operations/runbook/", "comparing-the-pods-branch-with-origin"),
    "runbook-unpushed-commits": ("runbooks/unpushed-commits/", ""),
    "runbook-rotate-deploy-key": ("runbooks/rotate-deploy-key/", "4-issue-the-new-key"),
}
# Viewport width -> (name suffix, viewport height): one screen each keeps the files small.
WIDTHS = {1440: ("desktop", 1000), 390: ("phone", 1100)}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _served(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def take(site: Path, out: Path, chromium: str) -> list[Path]:
    """Save every page at every width into `out`; returns the files written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with _served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--headless", "--no-sandbox"])
        for width, (suffix, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height},
                                          color_scheme="light")
            page = context.new_page()
            for name, (path, section) in VIEWS.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if section:
                    page.locator(f'[id="{section}"]').scroll_into_view_if_needed()
                    page.evaluate("id => document.getElementById(id).scrollIntoView()", section)
                    # Let Mermaid finish drawing diagrams scrolled into view.
                    page.wait_for_load_state("networkidle")
                target = out / f"{name}-{suffix}.png"
                page.screenshot(path=str(target))
                written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site")
    parser.add_argument("--out", type=Path, default=Path("docs/assets/screenshots"))
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"screenshots: no built site at {args.site}/index.html; run `nox -s docs` first",
              file=sys.stderr)
        return 2
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        print("screenshots: no Chromium found (apt-get install chromium, or set CHROMIUM)",
              file=sys.stderr)
        return 2
    for path in take(args.site, args.out, chromium):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
