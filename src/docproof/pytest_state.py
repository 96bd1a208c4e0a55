"""Per-session docproof state, kept in ``config.stash`` (no module-level mutable state)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from docproof.authoring import (
    Claim,
    ClaimIndex,
    ClaimsLock,
    Page,
    claim_problems,
    index_claims,
    read_page,
)
from docproof.errors import PageError
from docproof.page_process import PageServer, sandbox_available
from docproof.report import BlockRecord
from docproof.sandbox import network_isolation


@dataclass
class SessionState:
    rootdir: Path
    roots: list[Path]
    explicit: list[Path]
    update: bool
    report_path: Path
    inner: bool = False  # this session is a page's sandboxed process (see PageStream)
    inner_claims: frozenset[str] = frozenset()  # inner: the claims the outer session found
    plugins: tuple[str, ...] = ()  # the outer run's ``-p`` plugins, for the pages' sessions
    lock_path: Path | None = None  # the claims lock (docproof_claims_lock), None: not kept
    figures: Mapping[str, str] | None = None  # the model's figures, from the world's glue
    records: dict[str, BlockRecord] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    unfinished: str | None = None  # why the run has not run every block (yet), if so
    _claims: ClaimIndex | None = None
    _lock: ClaimsLock | None = None
    _net: tuple[str, ...] | None = None
    _read: dict[Path, Page | PageError] = field(default_factory=dict)
    _sandboxed: bool | None = None
    _server: PageServer | None = None

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

    def read_page(self, path: Path) -> Page:
        """The page at ``path``, parsed once per session (claims and collection share it)."""
        resolved = path.resolve()
        if resolved not in self._read:
            try:
                self._read[resolved] = read_page(resolved, self.display(resolved))
            except PageError as error:
                self._read[resolved] = error
        found = self._read[resolved]
        if isinstance(found, PageError):
            raise found
        return found

    def covers_every_block(self) -> bool:
        """Whether the records hold every block of every scanned page (a page that cannot be
        read: its failure), i.e. the run verified everything there is."""
        recorded: dict[str, set[int]] = {}
        for record in self.records.values():
            recorded.setdefault(record.file, set()).add(record.line)
        for path in self.pages():
            try:
                page = self.read_page(path)
            except PageError as error:
                if error.path.as_posix() not in recorded:
                    return False
                continue
            if page.blocks and not {b.line for b in page.blocks} <= recorded.get(
                    page.path.as_posix(), set()):
                return False
        return True

    def claim_index(self) -> ClaimIndex:
        """Every claim declared on the scanned pages (in path order), duplicates found."""
        if self._claims is None:
            claims: list[Claim] = []
            for path in self.pages():
                try:
                    claims.extend(self.read_page(path).claims)
                except PageError:
                    continue  # reported when that page is collected
            self._claims = index_claims(claims)
        return self._claims

    def declared(self) -> dict[str, Claim]:
        """Claim id -> first declaration, over all scanned pages."""
        return self.claim_index().declared

    def claims(self) -> set[str]:
        """Every declared claim id (a page's session takes them from the outer session)."""
        if self.inner:
            return set(self.inner_claims)
        return set(self.declared())

    def check_duplicate_claims(self, page: Page) -> None:
        """Fail ``page`` if it declares an id another declaration already took (a page's
        session runs only pages the outer session found free of duplicates)."""
        if self.inner:
            return
        seen = index_claims([*self.declared().values(), *page.claims])
        duplicates = seen.duplicates_in(page.path)
        if duplicates:
            raise duplicates[0]

    def lock(self) -> ClaimsLock | None:
        """The claims lock as committed (read once), or None when the project keeps none."""
        if self.lock_path is None:
            return None
        if self._lock is None:
            self._lock = ClaimsLock.read(self.lock_path, self.display(self.lock_path).as_posix())
        return self._lock

    def claim_problems(self, page: Page) -> list[PageError]:
        """Every claim rule ``page`` breaks (unchecked, bare figures, wrong figures) and
        every difference from the claims lock, in line order."""
        problems = claim_problems(page, self.figures)
        lock = self.lock()
        if lock is not None:
            problems += lock.problems(page, self.claims())
        return sorted(problems, key=lambda error: error.line)

    def net_prefix(self) -> tuple[str, ...]:
        """The bash session's prefix: none inside a page sandbox (it shares the page's
        network namespace, where the page's own loopback servers live)."""
        if self.inner:
            return ()
        if self._net is None:
            self._net = network_isolation()
        return self._net

    def sandboxed(self) -> bool:
        """Whether pages run in sandboxes of their own (False: in this process)."""
        if self.inner:
            return False
        if self._sandboxed is None:
            self._sandboxed = sandbox_available()
        return self._sandboxed

    def page_server(self) -> PageServer:
        """The server that forks this session's page sandboxes, started on first use."""
        if self._server is None:
            self._server = PageServer()
        return self._server

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()

    def isolation(self) -> str:
        """How blocks were isolated, for the report's summary."""
        if self.sandboxed():
            return "page sandbox (unshare --net --mount --pid)"
        return "unshare --net" if self.net_prefix() else "shims only"


STATE_KEY = pytest.StashKey[SessionState]()


def session_state(config: pytest.Config) -> SessionState:
    return config.stash[STATE_KEY]
