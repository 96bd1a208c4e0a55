"""The benchmark suite's harness: interleaved runs, medians, ratios, a table and bench.json.

A benchmark compares A with B. Its measurements run in rounds, each round runs every
measurement once, and the order flips every other round (A B, B A, A B, ...), so drift in
the machine's load falls on both sides alike. An entry reports the median of A, the median
of B, their ratio and the target that ratio must not exceed (None: reported, no target).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# One measurement: runs the thing once and returns the seconds it cost.
Measure = Callable[[], float]


def timed(action: Callable[[], object]) -> Measure:
    """A measurement of `action`'s wall time."""

    def measure() -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    return measure


def alternate(measures: Mapping[str, Measure], runs: int) -> list[dict[str, float]]:
    """`runs` rounds of every measurement, the order reversed every other round."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    names = list(measures)
    rounds = []
    for number in range(runs):
        order = names if number % 2 == 0 else names[::-1]
        rounds.append({name: measures[name]() for name in order})
    return rounds


@dataclass(frozen=True)
class Entry:
    """One line of the table: A against B, with the samples each median comes from."""

    name: str
    a_label: str
    b_label: str
    a_samples: tuple[float, ...]
    b_samples: tuple[float, ...]
    target: float | None = None
    note: str = ""

    @property
    def a(self) -> float:
        return statistics.median(self.a_samples)

    @property
    def b(self) -> float:
        return statistics.median(self.b_samples)

    @property
    def ratio(self) -> float:
        return self.a / self.b

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "A": round(self.a, 6), "B": round(self.b, 6),
                "ratio": round(self.ratio, 3), "target": self.target,
                "runs": len(self.a_samples), "a_label": self.a_label,
                "b_label": self.b_label, "met": self.met, "note": self.note}


@dataclass(frozen=True)
class Failure:
    """A benchmark that could not measure: no numbers, only why."""

    name: str
    error: str
    target: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "A": None, "B": None, "ratio": None,
                "target": self.target, "runs": 0, "met": False, "error": self.error}


Outcome = Entry | Failure


def entry(name: str, rounds: Sequence[Mapping[str, float]], a: str, b: str, *,
          target: float | None = None, note: str = "",
          labels: tuple[str, str] | None = None) -> Entry:
    """The entry comparing measurement `a` with measurement `b` over `rounds`."""
    a_label, b_label = labels or (a, b)
    return Entry(name, a_label, b_label, tuple(r[a] for r in rounds),
                 tuple(r[b] for r in rounds), target, note)


def seconds(value: float) -> str:
    """A duration for people: 1.23 s, 45.6 ms, 789 us."""
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} us"


def verdict(outcome: Outcome) -> str:
    if isinstance(outcome, Failure):
        return "FAILED"
    if outcome.met is None:
        return "reported"
    return "met" if outcome.met else "MISSED"


def table(outcomes: Sequence[Outcome]) -> str:
    """The results as a fixed-width text table, then one line per failure or note."""
    header = ("benchmark", "A", "B", "A/B", "target", "runs", "")
    rows = [header]
    for o in outcomes:
        target = "-" if o.target is None else f"<= {o.target:g}x"
        if isinstance(o, Failure):
            rows.append((o.name, "-", "-", "-", target, "0", verdict(o)))
        else:
            rows.append((o.name, seconds(o.a), seconds(o.b), f"{o.ratio:.2f}x", target,
                         str(len(o.a_samples)), verdict(o)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    for o in outcomes:
        if isinstance(o, Failure):
            lines.append(f"{o.name}: FAILED: {o.error}")
        else:
            lines.append(f"{o.name}: A = {o.a_label}; B = {o.b_label}"
                         + (f"; {o.note}" if o.note else ""))
    return "\n".join(lines)


def write_results(outcomes: Sequence[Outcome], path: Path, context: Mapping[str, Any]) -> None:
    """bench.json: the run's context and one object per entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"schema": 1, **context, "entries": [o.to_json() for o in outcomes]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
