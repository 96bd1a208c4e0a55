"""Pages as the page grammar reads them, parsed once per text for all hooks.

The claims index reads every page, the status hook each page again and the macro guard each
page's fences: without this, one build parses a page up to three times, and a `mkdocs serve`
rebuild parses the unchanged pages all over again. A parse depends only on the text and the
name shown in messages, and its result is immutable, so it is kept by those two; a changed
page has a new text and is parsed afresh.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docproof.authoring import Block, Page, find_blocks, parse_page

# Enough for every page of the site, plus the versions `mkdocs serve` rebuilds through.
_PAGES = 512


@lru_cache(maxsize=_PAGES)
def parsed_page(text: str, src: str) -> Page:
    """The page `src` (its path under the project, as messages name it) with source `text`;
    raises docproof's PageError as `parse_page` does (errors are not kept)."""
    return parse_page(text, Path(src))


@lru_cache(maxsize=_PAGES)
def fences(markdown: str, src: str) -> tuple[Block, ...]:
    """Every fenced block of `markdown` (a page's text as a hook sees it), in line order."""
    return find_blocks(markdown, Path(src))
