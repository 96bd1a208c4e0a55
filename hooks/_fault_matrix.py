"""Macros for the fault matrix: numbers and tables from the committed exploration result.

`docs/reference/fault-matrix.json` is what `nox -s explore` wrote (`podsim explore --json`):
every fault kind injected at every step boundary of the default workloads. The site only
reads that file (plain JSON); it never runs an exploration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

# The committed result, relative to the project.
RESULT = Path("docs") / "reference" / "fault-matrix.json"
# Fates in the order a reader follows a write: safe, escaped, waiting, gone.
FATES = ("origin", "conflict-branch", "pod-only", "lost")
# The numbers a page may cite with `fault_matrix(NAME)`.
NUMBERS = ("states", "planned", "skipped_duplicates", "workloads", "unexpected_violations",
           "expected_violations")


class FaultMatrixError(RuntimeError):
    """The committed exploration result is missing or not what `podsim explore` writes."""


def define_macros(env: Any) -> None:
    """Register the fault matrix macros with mkdocs-macros."""
    path = Path(env.project_dir) / RESULT

    def fault_matrix(name: str) -> str:
        """One number of the committed exploration, e.g. `fault_matrix("states")`."""
        return str(number(load(path), name))

    def fault_matrix_table() -> str:
        """Fault kind x moment class -> states and the fates of their writes."""
        return matrix_table(load(path))

    def fault_matrix_violations() -> str:
        """The expected violations by name, with counts (unexpected ones are a CI failure)."""
        return violations_list(load(path))

    for macro in (fault_matrix, fault_matrix_table, fault_matrix_violations):
        env.macro(macro)


def load(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
    except OSError as error:
        raise FaultMatrixError(f"{path}: {error}; refresh it with `nox -s explore`") from None
    # A copy: callers get their own dict, the cached result stays as read.
    return dict(_read(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    # Read once per version of the file: several macros on several pages cite it per build,
    # and `mkdocs serve` rebuilds read it again only when `nox -s explore` rewrote it.
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise FaultMatrixError(f"{path}: {error}; refresh it with `nox -s explore`") from None
    for key in ("states", "matrix", "violations", "expected_violations", "workloads"):
        if key not in raw:
            raise FaultMatrixError(f"{path}: no {key!r}; not a `podsim explore --json` result")
    return dict(raw)


def number(result: Mapping[str, Any], name: str) -> int:
    if name not in NUMBERS:
        raise FaultMatrixError(f"fault_matrix({name!r}): expected one of {', '.join(NUMBERS)}")
    value = result["violations" if name == "unexpected_violations" else name]
    if isinstance(value, Mapping):  # violations by name: their total
        return sum(int(v) for v in value.values())
    if isinstance(value, list):  # workloads
        return len(value)
    return int(value)


def matrix_table(result: Mapping[str, Any]) -> str:
    """A Markdown table: one row per (fault kind, moment class)."""
    lines = ["| fault | moment class | states | " + " | ".join(FATES) + " |",
             "|---|---|--:|" + "--:|" * len(FATES)]
    for fault, row in result["matrix"].items():
        for moment, cell in row.items():
            counts = " | ".join(str(cell.get(fate, 0)) for fate in FATES)
            lines.append(f"| `{fault}` | `{moment}` | {cell['states']} | {counts} |")
    return "\n".join(lines)


def violations_list(result: Mapping[str, Any]) -> str:
    found = result["expected_violations"]
    if not found:
        return "No expected violations."
    return "\n".join(f"- `{name}`: {count}" for name, count in found.items())
