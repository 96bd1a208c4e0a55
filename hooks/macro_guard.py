"""Keep code fences out of Jinja on pages that opt in to macros (`render_macros: true`).

Shell and jsonpath text such as `${#A[@]}` or `'{.items[0].metadata.name}'` would otherwise be
read as Jinja (`{#` opens a comment). Each fence is wrapped in a raw block, indented like the
fence so admonitions, tabs and lists keep their structure. Macros belong in prose, not in code.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from _pages import fences


# After the status hook (100), before mkdocs-macros (0).
@event_priority(50)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    macros = config.plugins.get("macros")
    if macros is None or page.meta.get("render_macros") is not True:
        return markdown
    start, end = _block_delimiters(macros.config)
    lines = markdown.splitlines()
    for fence in reversed(fences(markdown, page.file.src_uri)):
        indent = " " * fence.indent
        lines.insert(fence.end_line, f"{indent}{start} endraw {end}")
        lines.insert(fence.line - 1, f"{indent}{start} raw {end}")
    return "\n".join(lines) + "\n"


def _block_delimiters(macros_config: object) -> tuple[str, str]:
    # Jinja block delimiters as configured for mkdocs-macros (defaults {% %}).
    get = getattr(macros_config, "get", None)
    start = get("j2_block_start_string") if get else None
    end = get("j2_block_end_string") if get else None
    return start or "{%", end or "%}"
