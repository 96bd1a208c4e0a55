"""The claims lock: per claim, its sentence (normalised) and a fingerprint of its checks.

A committed JSON file (``claims.lock``, named by ``docproof_claims_lock`` in pyproject's
``[tool.pytest.ini_options]``) keyed by claim id. A page whose claim differs from its entry
(sentence, checks, or both), a claim the lock does not know, and an entry for this page whose
claim is declared nowhere any more all fail, with the old and new sentence side by side,
until a maintainer accepts the change, which rewrites the lock so the change shows in review:

    nox -s claims -- --accept      (or: pytest PAGES --accept-claims)

Re-wrapping a sentence, reordering claims or moving one to another page does not trip it; nor
does reformatting a Python check (its syntax tree is what counts) or re-indenting a command.
"""

from __future__ import annotations

import ast
import hashlib
import json
import textwrap
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docproof.authoring.page import Block, Page
from docproof.errors import PageError

SETTING = "docproof_claims_lock"
ACCEPT = "accept with `nox -s claims -- --accept` (or pytest --accept-claims)"
_ABOUT = ("Claims lock: each claim's sentence and a fingerprint of its checks. "
          "Rewritten by `nox -s claims -- --accept`; review its diff.")


class LockDifference(PageError):
    """A page's claim differs from the claims lock (or the lock cannot be read)."""


@dataclass(frozen=True)
class LockedClaim:
    page: str
    sentence: str
    checks: str


def normalised(sentence: str) -> str:
    """The sentence with its line breaks and runs of spaces made single spaces."""
    return " ".join(sentence.split())


def checks_fingerprint(blocks: Iterable[Block]) -> str:
    """A short hash of what the blocks check, independent of their order and layout."""
    keys = sorted(_block_key(block) for block in blocks if block.options is not None)
    return hashlib.sha256("\0".join(keys).encode()).hexdigest()[:16]


def _block_key(block: Block) -> str:
    options = block.options
    assert options is not None
    head = f"{options.lang} returncode={options.returncode} notest={options.notest is not None}"
    return f"{head}\n{_normalised_body(options.lang, block.body)}"


def _normalised_body(lang: str, body: str) -> str:
    if lang == "python":
        try:
            return ast.dump(ast.parse(textwrap.dedent(body)))
        except SyntaxError:
            pass  # compared as text; the run reports the syntax error itself
    lines = (" ".join(line.split()) for line in body.splitlines())
    return "\n".join(line for line in lines if line and not (lang == "bash" and line[0] == "#"))


def current(page: Page) -> dict[str, LockedClaim]:
    """The lock entries ``page`` would have now (its path as given to ``parse_page``)."""
    checks: dict[str, list[Block]] = {}
    for block in page.blocks:
        if block.options is not None and block.options.claim is not None:
            checks.setdefault(block.options.claim, []).append(block)
    return {claim.id: LockedClaim(page.path.as_posix(), normalised(claim.text),
                                  checks_fingerprint(checks.get(claim.id, ())))
            for claim in page.claims}


@dataclass
class ClaimsLock:
    path: Path
    shown: str  # how messages name the lock file
    claims: dict[str, LockedClaim] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, shown: str | None = None) -> ClaimsLock:
        """The lock at ``path``; an absent file is an empty lock (every claim is new)."""
        lock = cls(path, shown or path.name)
        if not path.is_file():
            return lock
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            lock.claims = {cid: LockedClaim(str(e["page"]), str(e["sentence"]), str(e["checks"]))
                           for cid, e in raw["claims"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise LockDifference(Path(lock.shown), 1, f"claims lock is malformed ({error!r}); "
                            f"restore it from git, or {ACCEPT}") from None
        return lock

    def problems(self, page: Page, declared: Collection[str]) -> list[LockDifference]:
        """Where ``page`` differs from the lock; ``declared``: every claim id declared on
        any page (an entry of this page declared elsewhere has moved, not gone)."""
        found = []
        now = current(page)
        lines = {claim.id: claim.line for claim in page.claims}
        for cid, entry in now.items():
            message = self._difference(cid, entry)
            if message:
                found.append(LockDifference(page.path, lines[cid], message))
        for cid, entry in sorted(self.claims.items()):
            if entry.page == page.path.as_posix() and cid not in now and cid not in declared:
                found.append(LockDifference(page.path, 1, (
                    f"claim {cid!r} is in the claims lock for this page but declared nowhere "
                    f"now (locked sentence: \"{entry.sentence}\"); {ACCEPT}")))
        return found

    def _difference(self, cid: str, entry: LockedClaim) -> str | None:
        old = self.claims.get(cid)
        if old is None:
            return (f"claim {cid!r} is not in the claims lock {self.shown} "
                    f"(sentence: \"{entry.sentence}\"); review it, then {ACCEPT}")
        sentence, checks = old.sentence != entry.sentence, old.checks != entry.checks
        if not sentence and not checks:
            return None
        what = ("its sentence and its checks both changed" if sentence and checks else
                "its sentence changed but its checks did not" if sentence else
                "its checks changed but its sentence did not")
        return (f"claim {cid!r}: {what} since the claims lock {self.shown}\n"
                f"    locked: {old.sentence}\n    now:    {entry.sentence}\n"
                f"  {ACCEPT}")

    def accept(self, pages: Iterable[Page], declared: Collection[str]) -> list[str]:
        """Take the pages' claims as they are now; drop the entries of those pages whose
        claims are declared nowhere. Returns one line per change, for the terminal."""
        changes = []
        for page in pages:
            now = current(page)
            for cid, entry in now.items():
                if self.claims.get(cid) != entry:
                    changes.append(f"{'updated' if cid in self.claims else 'added'} {cid}")
                    self.claims[cid] = entry
            for cid, entry in list(self.claims.items()):
                if entry.page == page.path.as_posix() and cid not in now and cid not in declared:
                    del self.claims[cid]
                    changes.append(f"removed {cid}")
        return changes

    def write(self) -> None:
        document = {"about": _ABOUT, "claims": {
            cid: {"page": e.page, "sentence": e.sentence, "checks": e.checks}
            for cid, e in sorted(self.claims.items())}}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        temporary.replace(self.path)


def configured_lock(project: Path) -> Path | None:
    """The lock file the project names (pyproject ``[tool.pytest.ini_options]``
    ``docproof_claims_lock``), or None when it names none (the lock is then not kept)."""
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        return None
    with pyproject.open("rb") as handle:
        options = tomllib.load(handle).get("tool", {}).get("pytest", {}).get("ini_options", {})
    name = options.get(SETTING)
    return project / str(name) if name else None
