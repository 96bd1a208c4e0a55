"""What an exploration found: one Case per (crash point, fault), tallies, and the smallest
failing case as a scenario a page can run. Results of shards merge into the unsharded one."""

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from podsim.explore.invariants import Checked

if TYPE_CHECKING:
    from podsim.explore.runner import Task


@dataclass(frozen=True)
class Case:
    workload: int
    boundary: int
    moment_class: str
    fault: str
    applicable: bool
    fates: dict[str, str]
    violations: list[dict[str, Any]]
    note: str

    @classmethod
    def of(cls, task: "Task", applicable: bool, checked: Checked | None, note: str) -> "Case":
        data = checked.to_dict() if checked else {"fates": {}, "violations": []}
        return cls(task.workload_index, task.boundary, task.moment_class, task.fault,
                   applicable, data["fates"], data["violations"], note)

    @property
    def order(self) -> tuple[int, int, str]:
        return (self.workload, self.boundary, self.fault)

    def to_violations(self) -> list[dict[str, Any]]:
        return list(self.violations)

    def unexpected(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if not v["expected"]]


@dataclass
class Result:
    workloads: list[dict[str, Any]]
    faults: list[str]
    planned: int
    skipped: int
    shard: tuple[int, int]
    cases: list[Case]

    @classmethod
    def build(cls, workloads: list[dict[str, Any]], faults: list[str], cases: list[Case],
              skipped: int, planned: int, shard: tuple[int, int]) -> "Result":
        return cls(workloads, faults, planned, skipped, shard, sorted(cases, key=_order))

    # -- tallies -------------------------------------------------------------------
    @property
    def states(self) -> int:
        """Distinct (crash point, fault) states explored (the fault applied)."""
        return sum(1 for c in self.cases if c.applicable)

    def matrix(self) -> dict[str, dict[str, dict[str, int]]]:
        """fault -> moment class -> fate -> count of writes."""
        out: dict[str, dict[str, Counter[str]]] = {}
        for c in self.cases:
            if c.applicable:
                cell = out.setdefault(c.fault, {}).setdefault(c.moment_class, Counter())
                cell["states"] += 1
                cell.update(c.fates.values())
        return {f: {m: dict(sorted(cnt.items())) for m, cnt in sorted(row.items())}
                for f, row in sorted(out.items())}

    def violations(self, expected: bool) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for c in self.cases:
            for v in c.violations:
                if bool(v["expected"]) == expected:
                    counts[v["invariant"] + (f" ({v['expected']})" if expected else "")] += 1
        return dict(sorted(counts.items()))

    def smallest_failing(self) -> Case | None:
        """The unexpected failure with the fewest writes and the earliest boundary."""
        failing = [c for c in self.cases if c.unexpected()]
        if not failing:
            return None
        return min(failing, key=lambda c: (self.workloads[c.workload]["writes"], c.boundary,
                                           c.workload, c.fault))

    # -- output --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        smallest = self.smallest_failing()
        return {
            "workloads": self.workloads,
            "faults": self.faults,
            "shard": list(self.shard),
            "planned": self.planned,
            "skipped_duplicates": self.skipped,
            "states": self.states,
            "not_applicable": sum(1 for c in self.cases if not c.applicable),
            "matrix": self.matrix(),
            "violations": self.violations(expected=False),
            "expected_violations": self.violations(expected=True),
            "smallest_failing": scenario(self.workloads[smallest.workload], smallest)
            if smallest else None,
            "cases": [asdict(c) for c in self.cases],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Result":
        try:
            cases = [Case(**c) for c in raw["cases"]]
            return cls(raw["workloads"], raw["faults"], raw["planned"],
                       raw["skipped_duplicates"], tuple(raw["shard"]), cases)
        except (KeyError, TypeError) as error:
            raise ValueError(f"not an exploration result: {error}") from None

    def summary(self) -> str:
        lines = [f"explored {self.states} (crash point, fault) states "
                 f"({self.planned} planned, {self.skipped} duplicates skipped, "
                 f"shard {self.shard[0]}/{self.shard[1]})"]
        for fault_name, row in self.matrix().items():
            total = Counter[str]()
            for cell in row.values():
                total.update(cell)
            fates = ", ".join(f"{k} {v}" for k, v in sorted(total.items()) if k != "states")
            lines.append(f"  {fault_name:<18} {total['states']:>5} states  writes: {fates}")
        unexpected = self.violations(expected=False)
        lines.append("unexpected violations: " + (", ".join(
            f"{k} x{v}" for k, v in unexpected.items()) or "0"))
        expected = self.violations(expected=True)
        lines.append("expected violations: " + (", ".join(
            f"{k} x{v}" for k, v in expected.items()) or "0"))
        smallest = self.smallest_failing()
        if smallest:
            lines += ["smallest failing case:",
                      scenario(self.workloads[smallest.workload], smallest)]
        return "\n".join(lines)


def merge(parts: list[Result]) -> Result:
    """The shards' results as one: same workloads and faults, disjoint cases."""
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    for p in parts[1:]:
        if (p.workloads, p.faults, p.planned) != (first.workloads, first.faults, first.planned):
            raise ValueError("results of different explorations cannot be merged")
    n = first.shard[1]
    if sorted(p.shard[0] for p in parts) != list(range(1, n + 1)) or any(
            p.shard[1] != n for p in parts):
        raise ValueError(f"merge needs shards 1..{n} of {n} once each, got "
                         f"{', '.join(f'{p.shard[0]}/{p.shard[1]}' for p in parts)}")
    cases = [c for p in parts for c in p.cases]
    return Result.build(first.workloads, first.faults, cases, first.skipped, first.planned,
                        (1, 1))


def scenario(workload: dict[str, Any], case: Case) -> str:
    """Python a page can run: rebuild the crash point of `workload` (its to_dict()), inject
    the fault, check again; `case` names the boundary and the fault."""
    broken = ", ".join(v["invariant"] for v in case.unexpected())
    args = ", ".join(f"{k}={v!r}" for k, v in workload.items())
    return "\n".join([
        f"# breaks {broken} at boundary {case.boundary} ({case.moment_class}), "
        f"fault {case.fault}",
        "import tempfile",
        "from pathlib import Path",
        "from podsim.explore import Workload, replay_case",
        "",
        "with tempfile.TemporaryDirectory() as tmp:",
        f"    case = replay_case(Workload({args}), {case.boundary}, {case.fault!r}, "
        "Path(tmp) / 'world')",
        "    print(case.fates, case.violations)",
    ])


def _order(c: Case) -> tuple[int, int, str]:
    return c.order
