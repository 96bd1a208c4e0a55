"""Update mode: write fresh expected output back into a page's console blocks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docproof.authoring import Block


def rewrite_blocks(source: Path, rewrites: Sequence[tuple[Block, str]]) -> list[str]:
    """Replace the bodies of ``rewrites`` (block, new body) in ``source``; describe each.

    Bodies sit between the opening fence line and the closing fence line; indentation of
    the opening fence is applied to every new line.
    """
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    changed: list[str] = []
    for block, body in sorted(rewrites, key=lambda item: item[0].line, reverse=True):
        first = block.line  # 0-based index of the first body line
        last = block.end_line - 1 if _closes(lines, block) else block.end_line
        pad = " " * block.indent
        new = [pad + line + "\n" if line else "\n" for line in body.splitlines()]
        lines[first:last] = new
        changed.append(f"{block.path}:{block.line}: updated expected output ({block.lang})")
    source.write_text("".join(lines), encoding="utf-8")
    return changed[::-1]


def _closes(lines: list[str], block: Block) -> bool:
    """True if the block's last line is its closing fence (false for an unclosed fence)."""
    last = lines[block.end_line - 1].strip() if block.end_line - 1 < len(lines) else ""
    return bool(last) and set(last) <= {"`"} | {"~"} and block.end_line - 1 > block.line - 1
