"""Make ids rendered by Markdown extensions count as anchors for link validation.

mkdocs collects anchors from the Markdown tree and from raw HTML in the source, but not from
HTML that extensions stash, such as the id pymdownx.superfences puts on a code block
(`docproof-L42`, which the claims index links to). This reads them from the rendered page.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_ID = re.compile(r'\sid="([^"]+)"')


# Add every id of the rendered page to the anchors mkdocs validates links against.
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(_ID.findall(html))
    return html
