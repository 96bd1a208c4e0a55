"""The sensitivity report `.docproof/sensitivity.json`, as the site shows it per claim.

`nox -s sensitivity` runs each claim's checks under the drifts its marker names
(`breaks-if="..."`) and records, per drift, whether at least one of the claim's checks
failed. The site says, per claim, "shown to fail when ..." with each drift's description.
A missing report is not an error (the claim then lists its drifts as not yet run); a
malformed one is, naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from _layout import repo_root
from docproof.authoring import Claim

SENSITIVITY_PATH = Path(".docproof") / "sensitivity.json"


@dataclass(frozen=True)
class ClaimSensitivity:
    breaks_if: tuple[str, ...]
    shown: dict[str, bool]  # drift -> a check of the claim failed under it


@dataclass(frozen=True)
class Sensitivity:
    descriptions: dict[str, str]  # drift -> what the world does differently
    claims: dict[str, ClaimSensitivity]


def load_sensitivity(config: MkDocsConfig) -> Sensitivity | None:
    """The project's sensitivity report, or None when no sensitivity run wrote one."""
    path = repo_root(config) / SENSITIVITY_PATH
    if not path.is_file():
        return None
    stat = path.stat()
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _parse(path: Path, mtime_ns: int, size: int) -> Sensitivity:
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        descriptions = {str(k): str(v["description"]) for k, v in raw["drifts"].items()}
        claims = {str(c["id"]): ClaimSensitivity(
            tuple(str(d) for d in c["breaks_if"]),
            {str(d): bool(r["shown"]) for d, r in c["drifts"].items()})
            for c in raw["claims"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise PluginError(f"{path}: unreadable sensitivity report ({error!r}); re-run it "
                          "(nox -s sensitivity)") from error
    return Sensitivity(descriptions, claims)


def drift_sentence(claim: Claim, report: Sensitivity | None) -> str | None:
    """What the site says about the claim's drifts (plain text); None when it names none."""
    if not claim.breaks_if:
        return f"No drift of the world breaks it: {claim.no_drift}." if claim.no_drift else None
    result = report.claims.get(claim.id) if report else None
    if report is None or result is None or result.breaks_if != claim.breaks_if:
        why = "no sensitivity report" if report is None else "not in the sensitivity report"
        return f"Must fail when: {', '.join(claim.breaks_if)} ({why})."
    shown = [d for d in claim.breaks_if if result.shown.get(d)]
    missed = [d for d in claim.breaks_if if not result.shown.get(d)]
    parts = []
    if shown:
        parts.append("Shown to fail when " + "; ".join(_described(d, report) for d in shown))
    if missed:
        parts.append("NOT shown to fail when " + "; ".join(_described(d, report)
                                                           for d in missed))
    return ". ".join(parts) + "."


def _described(drift: str, report: Sensitivity) -> str:
    description = report.descriptions.get(drift)
    return f"{description} ({drift})" if description else drift
