"""The verification report `.docproof/report.json`, as the site hooks read it.

The runner (docproof) writes the report; the site only reads it. A missing report is not an
error: pages then say "not verified". A malformed one is, naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from _layout import repo_root

REPORT_PATH = Path(".docproof") / "report.json"
MATRIX_PATH = Path(".docproof") / "kubectl-matrix.json"  # written by `nox -s kubectl_matrix`
# Words shown for each status, on badges and on the claims index.
STATUS_WORDS = {"pass": "verified", "fail": "failing", "skip": "not run",
                "unchecked": "unchecked", None: "not verified"}
BLOCK_STATUSES = frozenset({"pass", "fail", "skip"})
CLAIM_STATUSES = frozenset({"pass", "fail", "unchecked"})


@dataclass(frozen=True)
class BlockResult:
    file: str
    line: int
    lang: str
    status: str
    reason: str | None
    claim: str | None
    tools: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimResult:
    id: str
    file: str
    line: int
    status: str


@dataclass(frozen=True)
class Report:
    path: Path
    blocks: dict[tuple[str, int], BlockResult]
    claims: dict[str, ClaimResult]
    commit: str | None
    verified_at: str
    # page -> tool -> versions of the kubectl matrix runs the page passed on
    matrix: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    incomplete: str | None = None  # why the run that wrote it did not finish, if it did not

    def block(self, file: str, line: int) -> BlockResult | None:
        return self.blocks.get((file, line))

    def verified_with(self, file: str) -> dict[str, list[str]]:
        """Tool versions that verified a page: its passing blocks', then the matrix runs it
        passed on; each list sorted oldest first."""
        found: dict[str, set[str]] = {}
        for block in self.blocks.values():
            if block.file == file and block.status == "pass":
                for name, version in block.tools.items():
                    found.setdefault(name, set()).add(version)
        for name, versions in self.matrix.get(file, {}).items():
            found.setdefault(name, set()).update(versions)
        return {name: sorted(v, key=_version_key) for name, v in sorted(found.items())}


def load_report(config: MkDocsConfig) -> Report | None:
    """The report next to mkdocs.yml, or None when verification has not run."""
    path = repo_root(config) / REPORT_PATH
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    report = _parse(path, stat.st_mtime_ns, stat.st_size)
    matrix = repo_root(config) / MATRIX_PATH
    if matrix.is_file():
        found = matrix.stat()
        report = replace(report, matrix=_matrix(matrix, found.st_mtime_ns, found.st_size))
    return report


@lru_cache(maxsize=4)
def _matrix(path: Path, mtime_ns: int, size: int) -> dict[str, dict[str, list[str]]]:
    # page -> {tool: versions whose run that page passed}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        tool, pages = str(raw["tool"]), [str(page) for page in raw["pages"]]
        passed: dict[str, dict[str, list[str]]] = {}
        for version, run in raw["runs"].items():
            failed = {str(page) for page in run["failed_pages"]}
            for page in pages:
                if page not in failed:
                    passed.setdefault(page, {}).setdefault(tool, []).append(str(version))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise PluginError(f"{path}: unreadable version matrix ({error!r}); "
                          "re-run it (nox -s kubectl_matrix)") from error
    return passed


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


@lru_cache(maxsize=4)
def _parse(path: Path, mtime_ns: int, size: int) -> Report:
    # Parsed once per version of the file (mkdocs serve rebuilds re-read a changed report).
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        blocks = [_block(item) for item in raw["blocks"]]
        claims = [_claim(item) for item in raw.get("claims", [])]
        summary = raw.get("summary") or {}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PluginError(f"{path}: unreadable verification report ({error!r}); "
                          "re-run the verification (nox -s docs)") from error
    written = datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return Report(
        path=path,
        blocks={(b.file, b.line): b for b in blocks},
        claims={c.id: c for c in claims},
        commit=_first_text(summary, raw, key="commit"),
        verified_at=_first_text(summary, raw, key="finished_at")
        or _first_text(summary, raw, key="generated_at")
        or f"{written} (report file time)",
        incomplete=_incomplete(summary),
    )


def _incomplete(summary: dict[str, Any]) -> str | None:
    # Reports from before the field existed were only written by finished runs.
    if summary.get("complete", True) is True:
        return None
    return str(summary.get("incomplete_reason") or "the run did not finish")


def _block(item: dict[str, Any]) -> BlockResult:
    # One entry of "blocks"; unknown statuses are an error, not a guess.
    status = str(item["status"])
    if status not in BLOCK_STATUSES:
        raise ValueError(f"block {item.get('file')}:{item.get('line')} has status {status!r}")
    return BlockResult(
        file=str(item["file"]),
        line=int(item["line"]),
        lang=str(item.get("lang") or ""),
        status=status,
        reason=item.get("reason"),
        claim=item.get("claim"),
        tools={str(k): str(v) for k, v in (item.get("tools") or {}).items()},
    )


def _claim(item: dict[str, Any]) -> ClaimResult:
    # One entry of "claims".
    status = str(item["status"])
    if status not in CLAIM_STATUSES:
        raise ValueError(f"claim {item.get('id')!r} has status {status!r}")
    return ClaimResult(str(item["id"]), str(item["file"]), int(item["line"]), status)


def _first_text(summary: dict[str, Any], raw: dict[str, Any], *, key: str) -> str | None:
    # A value from "summary", else from the top level of the report.
    value = summary.get(key, raw.get(key))
    return str(value) if value else None
