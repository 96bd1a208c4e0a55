"""Per-session docproof state, kept in ``config.stash`` (no module-level mutable state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from docproof.errors import PageError
from docproof.pages import Claim, Page, read_page
from docproof.report import BlockRecord
from docproof.sandbox import network_isolation


@dataclass
class SessionState:
    rootdir: Path
    roots: list[Path]
    explicit: list[Path]
    update: bool
    report_path: Path
    records: dict[str, BlockRecord] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    _claims: dict[str, Claim] | None = None
    _net: tuple[str, ...] | None = None

    def display(self, path: Path) -> Path:
        """How a page is named in messages and the report: rootdir-relative if possible."""
        try:
            return path.resolve().relative_to(self.rootdir)
        except ValueError:
            return path.resolve()

    def is_page(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def pages(self) -> list[Path]:
        """Every page under the page roots plus the pages named on the command line."""
        found = {p.resolve() for root in self.roots if root.is_dir() for p in root.rglob("*.md")}
        found.update(p for p in self.explicit if p.is_file())
        return sorted(found)

    def declared(self) -> dict[str, Claim]:
        """Claim id -> first declaration, over all scanned pages (in path order)."""
        if self._claims is None:
            self._claims = {}
            for path in self.pages():
                try:
                    page = read_page(path, self.display(path))
                except PageError:
                    continue  # reported when that page is collected
                for claim in page.claims:
                    self._claims.setdefault(claim.id, claim)
        return self._claims

    def claims(self) -> set[str]:
        return set(self.declared())

    def check_duplicate_claims(self, page: Page) -> None:
        for claim in page.claims:
            first = self.declared().setdefault(claim.id, claim)
            if (first.path, first.line) != (claim.path, claim.line):
                raise PageError(
                    page.path,
                    claim.line,
                    f"claim {claim.id!r} is already declared at {first.path}:{first.line}",
                )

    def net_prefix(self) -> tuple[str, ...]:
        if self._net is None:
            self._net = network_isolation()
        return self._net


STATE_KEY = pytest.StashKey[SessionState]()


def session_state(config: pytest.Config) -> SessionState:
    return config.stash[STATE_KEY]
