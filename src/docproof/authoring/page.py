"""A page's structure: front matter, every fenced block (seen or hidden), its claims.

Line numbers are 1-based lines of the source file, front matter included: the key the
verification report, the runner and the site's badges share.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from docproof.authoring.claims import Claim, claim_markers
from docproof.authoring.fact_tables import check_no_hand_written_facts
from docproof.authoring.options import FenceOptions, OptionError, parse_fence_info
from docproof.authoring.symptoms import Symptom, read_symptoms
from docproof.errors import PageError

NO_WORLD = "none"
# Front-matter keys a page may use: docproof's own, mkdocs-macros' and mkdocs' page meta.
FRONT_MATTER_KEYS = ("world", "render_macros", "title", "description", "template", "hide",
                     "status", "tags", "search", "symptoms")
# An opening tag with a ``markdown`` attribute: md_in_html renders its content as Markdown.
_MARKDOWN_IN_HTML = re.compile(r"<[A-Za-z][\w-]*[^>]*\smarkdown(?:\s*=\s*[\"']?\w*[\"']?)?[\s/>]")
# Lines that are HTML (a tag, or an element on one line such as <summary>..</summary>).
_TAG_LINE = re.compile(r"^\s*</?[A-Za-z].*>\s*$")
_FENCE = re.compile(r"^(?P<indent> *)(?P<marks>`{3,}|~{3,})(?P<info>.*)$")
# CommonMark's block structure only: fences and HTML blocks are block tokens, so the inline
# pass (half of the parse) is skipped. Parsing keeps no state in the instance between calls.
_BLOCK_PARSER = MarkdownIt("commonmark").disable("inline")


class HiddenFenceError(ValueError):
    """A fence Markdown does not see as code (nested in an admonition, tab or similar)."""


@dataclass(frozen=True)
class Block:
    """One fenced code block. ``line`` is the 1-based line of the opening fence.

    ``options`` is None exactly when ``error`` says why the block cannot be run or skipped.
    """

    path: Path
    line: int
    info: str
    body: str
    indent: int
    end_line: int
    options: FenceOptions | None
    error: OptionError | HiddenFenceError | None = None
    marker: str = "```"

    @property
    def lang(self) -> str:
        if self.options is not None:
            return self.options.lang
        match = re.match(r"\{?\s*\.?([A-Za-z0-9_+-]*)", self.info.strip())
        return match.group(1) if match else ""


@dataclass(frozen=True)
class Page:
    path: Path
    world: str
    blocks: tuple[Block, ...]
    claims: tuple[Claim, ...] = field(default=())
    symptoms: tuple[Symptom, ...] = field(default=())


def read_page(path: Path, display: Path | None = None) -> Page:
    """Parse the file ``path``; ``display`` names it in messages (usually rootdir-relative)."""
    shown = display or path
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        message = f"page is not UTF-8 (byte 0x{byte:02x} on this line)"
        raise PageError(shown, line, message) from None
    return parse_page(text, shown)


def parse_page(text: str, shown: Path) -> Page:
    """Parse a page's source ``text``; raise PageError for a broken front matter or claim."""
    lines = text.splitlines()
    world, front_len = _front_matter(lines, shown)
    blocks = find_blocks(text, shown, front_len)
    fenced = {index for block in blocks for index in range(block.line - 1, block.end_line)}
    check_no_hand_written_facts(shown, lines, fenced)
    symptoms = read_symptoms("\n".join(lines[1 : front_len - 1]), shown) if front_len else ()
    return Page(shown, world, blocks, claim_markers(shown, lines, fenced), symptoms)


def find_blocks(text: str, shown: Path, front_len: int = 0) -> tuple[Block, ...]:
    """Every fenced block of ``text`` in line order; the first ``front_len`` lines are not read.

    Blocks are found as the site renders them: top level, and inside HTML blocks that carry
    a ``markdown`` attribute (``md_in_html``), e.g. ``<details markdown>``.
    """
    lines = text.splitlines()
    body_lines = [""] * front_len + lines[front_len:]
    blocks, covered = _markdown_blocks(shown, lines, body_lines)
    blocks.extend(_hidden_blocks(shown, body_lines, covered))
    return tuple(sorted(blocks, key=lambda b: b.line))


def _markdown_blocks(
    shown: Path, lines: list[str], visible: list[str]
) -> tuple[list[Block], set[int]]:
    # Fences Markdown sees in ``visible`` (``lines`` with what is not read blanked out).
    tokens = _BLOCK_PARSER.parse("\n".join(visible) + "\n")
    covered: set[int] = set()
    blocks: list[Block] = []
    for token in tokens:
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "fence":
            covered.update(range(start, end))
            blocks.append(_seen_block(shown, lines, token.info, token.content, start, end))
        elif token.type == "html_block":
            covered.update(range(start, end))
            if _MARKDOWN_IN_HTML.search(token.content):
                inner = [
                    line if start <= index < end and not _TAG_LINE.match(line) else ""
                    for index, line in enumerate(visible)
                ]
                found, _ = _markdown_blocks(shown, lines, inner)
                blocks.extend(found)
    return blocks, covered


def _front_matter(lines: list[str], shown: Path) -> tuple[str, int]:
    # The page's world (front matter key `world`) and how many lines the front matter spans.
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
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            raise PageError(shown, _key_line(lines[:index], str(key)), _unknown_key(str(key)))
    world = data.get("world", NO_WORLD)
    if not isinstance(world, str) or not world.strip():
        raise PageError(shown, 1, f"front matter 'world' must be a name, got {world!r}")
    return world.strip(), index + 1


def _key_line(front: list[str], key: str) -> int:
    # The 1-based line where ``key:`` starts in the front matter (1 if it cannot be found).
    for number, line in enumerate(front, 1):
        if line.startswith(f"{key}:") or line.startswith(f"'{key}'") or line.startswith(f'"{key}"'):
            return number
    return 1


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, FRONT_MATTER_KEYS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown front-matter key {key!r} (known: {', '.join(FRONT_MATTER_KEYS)}){hint}"


def _seen_block(shown: Path, lines: list[str], info: str, body: str, start: int, end: int) -> Block:
    opener = _FENCE.match(lines[start])
    indent = len(opener.group("indent")) if opener else 0
    marker = opener.group("marks") if opener else "```"
    try:
        options: FenceOptions | None = parse_fence_info(info)
        error = None
    except OptionError as exc:
        options, error = None, exc
    closer = _FENCE.match(lines[end - 1]) if end - 1 > start else None
    closed = closer is not None and closer.group("marks").startswith(marker)
    if not closed or (closer is not None and closer.group("info").strip()):
        options = None
        error = OptionError(
            f"fence opened here is never closed (no closing {marker}): "
            "it would swallow the rest of the page"
        )
    return Block(shown, start + 1, info.strip(), body, indent, end, options, error, marker)


def _hidden_blocks(shown: Path, lines: list[str], covered: set[int]) -> list[Block]:
    # Fences Markdown cannot see as code blocks (indented under admonitions or tabs).
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
        error = HiddenFenceError(
            f"fenced block indented by {indent} is not collected (nested in an admonition, "
            "content tab or similar); docproof cannot run or skip it - move it to top level"
        )
        info = match.group("info").strip()
        found.append(Block(shown, index + 1, info, "", indent, close + 1, None, error, marks))
        index = close + 1
    return found
