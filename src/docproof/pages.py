"""Read one Markdown page: front matter, every fenced block (seen or hidden), claims."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from docproof.errors import PageError
from docproof.options import CLAIM_ID, FenceOptions, OptionError, parse_fence_info

NO_WORLD = "none"
_FENCE = re.compile(r"^(?P<indent> *)(?P<marks>`{3,}|~{3,})(?P<info>.*)$")
_CLAIM = re.compile(r"^\s*<!--\s*claim:\s*(?P<id>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block. ``line`` is the 1-based line of the opening fence."""

    path: Path
    line: int
    info: str
    body: str
    indent: int
    end_line: int
    options: FenceOptions | None
    error: str | None = None

    @property
    def lang(self) -> str:
        if self.options is not None:
            return self.options.lang
        match = re.match(r"\{?\s*\.?([A-Za-z0-9_+-]*)", self.info.strip())
        return match.group(1) if match else ""


@dataclass(frozen=True)
class Claim:
    """A normative sentence declared with ``<!-- claim: id -->`` before its paragraph."""

    id: str
    path: Path
    line: int
    text: str


@dataclass(frozen=True)
class Page:
    path: Path
    world: str
    blocks: tuple[Block, ...]
    claims: tuple[Claim, ...] = field(default=())


def read_page(path: Path, display: Path | None = None) -> Page:
    """Parse ``path``; ``display`` is the name used in messages (usually rootdir-relative)."""
    shown = display or path
    lines = path.read_text(encoding="utf-8").splitlines()
    world, front_len = _front_matter(lines, shown)
    body_lines = [""] * front_len + lines[front_len:]
    tokens = MarkdownIt("commonmark").parse("\n".join(body_lines) + "\n")
    covered: set[int] = set()
    fenced: set[int] = set()
    blocks: list[Block] = []
    for token in tokens:
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "fence":
            fenced.update(range(start, end))
            covered.update(range(start, end))
            blocks.append(_seen_block(shown, lines, token.info, token.content, start, end))
        elif token.type == "html_block":
            covered.update(range(start, end))
    hidden = _hidden_blocks(shown, body_lines, covered)
    for block in hidden:
        fenced.update(range(block.line - 1, block.end_line))
    blocks.extend(hidden)
    claims = _claims(shown, lines, fenced)
    return Page(shown, world, tuple(sorted(blocks, key=lambda b: b.line)), claims)


def _front_matter(lines: list[str], shown: Path) -> tuple[str, int]:
    if not lines or lines[0].strip() != "---":
        return NO_WORLD, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise PageError(shown, 1, "front matter starting with '---' is never closed")
    try:
        data = yaml.safe_load("\n".join(lines[1:index])) or {}
    except yaml.YAMLError as exc:
        raise PageError(shown, 1, f"front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PageError(shown, 1, "front matter must be a mapping, e.g. 'world: fresh'")
    world = data.get("world", NO_WORLD)
    if not isinstance(world, str) or not world.strip():
        raise PageError(shown, 1, f"front matter 'world' must be a name, got {world!r}")
    return world.strip(), index + 1


def _seen_block(shown: Path, lines: list[str], info: str, body: str, start: int, end: int) -> Block:
    opener = _FENCE.match(lines[start])
    indent = len(opener.group("indent")) if opener else 0
    try:
        options: FenceOptions | None = parse_fence_info(info)
        error = None
    except OptionError as exc:
        options, error = None, str(exc)
    return Block(shown, start + 1, info.strip(), body, indent, end, options, error)


def _hidden_blocks(shown: Path, lines: list[str], covered: set[int]) -> list[Block]:
    """Fences markdown cannot see as code blocks (indented under admonitions or tabs)."""
    found: list[Block] = []
    index = 0
    while index < len(lines):
        match = None if index in covered else _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        marks = match.group("marks")
        close = index + 1
        while close < len(lines):
            closer = _FENCE.match(lines[close])
            if closer and closer.group("marks").startswith(marks) and not closer.group("info"):
                break
            close += 1
        indent = len(match.group("indent"))
        message = (
            f"fenced block indented by {indent} is not collected (nested in an admonition, "
            "content tab or similar); docproof cannot run or skip it - move it to top level"
        )
        found.append(
            Block(
                shown, index + 1, match.group("info").strip(), "", indent, close + 1, None, message
            )
        )
        index = close + 1
    return found


def _claims(shown: Path, lines: list[str], fenced: set[int]) -> tuple[Claim, ...]:
    claims: list[Claim] = []
    for index, line in enumerate(lines):
        if index in fenced:
            continue
        match = _CLAIM.match(line)
        if match is None:
            if re.match(r"\s*<!--\s*claim\b", line):
                message = "malformed claim comment; want <!-- claim: id -->"
                raise PageError(shown, index + 1, message)
            continue
        claim_id = match.group("id")
        if not CLAIM_ID.match(claim_id):
            raise PageError(
                shown, index + 1, f"claim id {claim_id!r} must match [a-z0-9][a-z0-9.-]*"
            )
        text = _next_paragraph(lines, index + 1)
        if not text:
            raise PageError(shown, index + 1, f"claim {claim_id!r} has no paragraph after it")
        claims.append(Claim(claim_id, shown, index + 1, text))
    return tuple(claims)


def _next_paragraph(lines: list[str], start: int) -> str:
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    paragraph: list[str] = []
    while index < len(lines) and lines[index].strip():
        paragraph.append(lines[index].strip())
        index += 1
    return " ".join(paragraph)
