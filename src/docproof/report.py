"""The verification report: every block's outcome and every claim's status, as JSON.

Schema: docs/reference/verification-report.md. Order is by file then line, so serial and
parallel runs give the same report apart from durations.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from docproof.authoring import Claim

SCHEMA_VERSION = 1
_RANK = {"pass": 0, "skip": 1, "fail": 2}


@dataclass(frozen=True)
class BlockRecord:
    file: str
    line: int
    lang: str
    status: str
    reason: str
    duration_s: float
    claim: str | None
    tools: dict[str, str] = field(default_factory=dict)  # the page world's tools (name -> version)

    def merge(self, other: BlockRecord) -> BlockRecord:
        """Combine two phases (setup/call/teardown) of one block: the worst status wins."""
        worse = other if _RANK[other.status] > _RANK[self.status] else self
        return BlockRecord(
            self.file,
            self.line,
            self.lang,
            worse.status,
            worse.reason,
            round(self.duration_s + other.duration_s, 3),
            self.claim,
            self.tools or other.tools,
        )


def build_report(
    records: Iterable[BlockRecord], claims: Iterable[Claim], extra: Mapping[str, object]
) -> dict[str, object]:
    """The report document; ``extra`` goes into ``summary`` (e.g. network isolation used)."""
    blocks = sorted(records, key=lambda r: (r.file, r.line))
    checks: dict[str, list[dict[str, object]]] = {}
    for record in blocks:
        if record.claim:
            checks.setdefault(record.claim, []).append(
                {"file": record.file, "line": record.line, "status": record.status}
            )
    claim_rows = [
        {
            "id": claim.id,
            "file": claim.path.as_posix(),
            "line": claim.line,
            "text": claim.text,
            "checks": checks.get(claim.id, []),
            "status": claim_status(checks.get(claim.id, [])),
        }
        for claim in sorted(claims, key=lambda c: (c.path.as_posix(), c.line))
    ]
    summary: dict[str, object] = {"schema": SCHEMA_VERSION, "blocks": len(blocks)}
    for status in ("pass", "fail", "skip"):
        summary[status] = sum(1 for r in blocks if r.status == status)
    summary["claims"] = len(claim_rows)
    for status in ("pass", "fail", "unchecked"):
        summary[f"claims_{status}"] = sum(1 for c in claim_rows if c["status"] == status)
    summary["tools"] = tool_versions(blocks)
    summary.update(extra)
    return {"blocks": [asdict(r) for r in blocks], "claims": claim_rows, "summary": summary}


def tool_versions(blocks: Iterable[BlockRecord]) -> dict[str, list[str]]:
    """Every version of each tool that some block ran with (name -> sorted versions)."""
    seen: dict[str, set[str]] = {}
    for record in blocks:
        for name, version in record.tools.items():
            seen.setdefault(name, set()).add(version)
    return {name: sorted(versions) for name, versions in sorted(seen.items())}


def claim_status(checks: list[dict[str, object]]) -> str:
    """pass: checked and every check passed; fail: any check failed; else unchecked."""
    statuses = [check["status"] for check in checks]
    if "fail" in statuses:
        return "fail"
    if statuses and all(status == "pass" for status in statuses):
        return "pass"
    return "unchecked"


def provenance(root: Path) -> dict[str, object]:
    """What was verified and when: the checkout's commit (None outside git) and the time."""
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
        check=False,
    )
    commit = head.stdout.strip() if head.returncode == 0 else None
    finished = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"commit": commit, "finished_at": finished}


def write_report(path: Path, report: Mapping[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
