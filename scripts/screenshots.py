"""Screenshots of the built site for the handbook's own docs: docs/assets/screenshots/.

    .venv/bin/python scripts/screenshots.py [--site site] [--out docs/assets/screenshots]

Serves the built site (run `nox -s docs` first) on a free local port and saves, for each
page below, the first screens at 1440 px (desktop) and 390 px (phone) wide, in the light
scheme. Uses the system Chromium (/usr/bin/chromium, or $CHROMIUM) through Playwright.
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

# Site path (without index.html) -> screenshot name.
PAGES = {
    "specs/behaviors/storage/": "storage-spec",
    "operations/runbook/": "ops-runbook",
    "runbooks/unpushed-commits/": "runbook-unpushed-commits",
    "runbooks/rotate-deploy-key/": "runbook-rotate-deploy-key",
}
# Viewport width -> (name suffix, height of the clip: the first screens only).
WIDTHS = {1440: ("desktop", 1800), 390: ("phone", 2400)}


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
            for path, name in PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                target = out / f"{name}-{suffix}.png"
                page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width,
                                                        "height": height})
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
