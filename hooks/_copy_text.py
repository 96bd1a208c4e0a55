"""What a console block's copy button yields: its commands, ready to paste into bash.

docproof's own parse of the transcript decides what is a command: prompts (`$ `, `> `) and
expected output are left out; a command's `> ` continuation lines stay on their own lines,
which is how bash reads a command continued by `\\`, an open quote or a here-document.
mkdocs-material copies the `data-copy` attribute of the code block when there is one.
"""

from __future__ import annotations

import html

from docproof.authoring import Block, ConsoleSyntaxError, parse_console

# Characters that cannot appear literally inside a quoted superfences attribute value;
# superfences passes character references through to the HTML unchanged.
_REFERENCES = str.maketrans({"\n": "&#10;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})


def console_commands(fence: Block) -> str | None:
    """The commands of a console block, one after another; None if it is not a transcript."""
    if fence.lang != "console":
        return None
    try:
        commands = parse_console(fence.body)
    except ConsoleSyntaxError:
        return None  # the block is reported failing; the copy button keeps its default
    return "\n".join(command.source for command in commands)


def copy_attribute(text: str) -> str:
    """`data-copy="..."` for a fence's brace attributes, holding `text` exactly."""
    return f'data-copy="{html.escape(text, quote=True).translate(_REFERENCES)}"'
