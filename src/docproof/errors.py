"""Errors that carry a Markdown location, so every failure names ``file.md:line``."""

from __future__ import annotations

from pathlib import Path


class DocproofError(Exception):
    """A problem at a place in a page: a malformed fence, a failed block, a bad world."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class PageError(DocproofError):
    """A problem with a whole page (front matter, claim declarations): fails collection."""


class BlockFailure(DocproofError):
    """A block ran and did not do what the page says it does."""

    def __init__(self, path: Path, line: int, message: str, detail: str = "") -> None:
        super().__init__(path, line, message)
        self.detail = detail

    def render(self) -> str:
        """The full failure text: location, message, then the detail (diff, output)."""
        head = f"{self.path}:{self.line}: {self.message}"
        return f"{head}\n{self.detail.rstrip()}" if self.detail.strip() else head
