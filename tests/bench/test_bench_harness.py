"""The benchmark suite's harness (scripts/bench_harness.py) and the suite's refusals, on fake
measurements: nothing here times anything real."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import bench_harness

    return bench_harness


@pytest.fixture
def suite(harness: ModuleType) -> Iterator[ModuleType]:
    import bench

    yield bench
    sys.modules.pop("bench", None)


def test_rounds_alternate_the_order_of_a_and_b(harness: ModuleType) -> None:
    calls: list[str] = []

    def fake(name: str, value: float) -> object:
        def measure() -> float:
            calls.append(name)
            return value * len(calls)

        return measure

    rounds = harness.alternate({"a": fake("a", 1.0), "b": fake("b", 10.0)}, 3)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert rounds == [{"a": 1.0, "b": 20.0}, {"b": 30.0, "a": 4.0}, {"a": 5.0, "b": 60.0}]
    with pytest.raises(ValueError, match="runs must be at least 1"):
        harness.alternate({"a": fake("a", 1.0)}, 0)


def test_timed_measures_the_wall_time_of_one_call(harness: ModuleType,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([10.0, 10.25])
    monkeypatch.setattr(harness.time, "perf_counter", lambda: next(ticks))
    ran: list[bool] = []
    assert harness.timed(lambda: ran.append(True))() == 0.25
    assert ran == [True]


def test_an_entry_is_the_ratio_of_the_medians_against_its_target(harness: ModuleType) -> None:
    rounds = [{"x": 1.0, "y": 2.0}, {"x": 5.0, "y": 2.0}, {"x": 3.0, "y": 9.0}]
    missed = harness.entry("n", rounds, "x", "y", target=1.4)
    assert (missed.a, missed.b, missed.ratio, missed.met) == (3.0, 2.0, 1.5, False)
    assert harness.entry("n", rounds, "x", "y", target=1.5).met is True
    assert harness.entry("n", rounds, "x", "y").met is None


def test_bench_json_has_one_object_per_entry(harness: ModuleType, tmp_path: Path) -> None:
    rounds = [{"x": 0.3, "y": 0.1}, {"x": 0.3, "y": 0.2}]
    outcomes = [harness.entry("fast", rounds, "x", "y", target=2.0, labels=("ours", "theirs")),
                harness.Failure("floor", "scripts/bench_floor.py is missing", 2.0)]
    path = tmp_path / "out" / "bench.json"
    harness.write_results(outcomes, path, {"commit": "abc1234"})
    document = json.loads(path.read_text())
    assert document["commit"] == "abc1234"
    fast, floor = document["entries"]
    assert {k: fast[k] for k in ("name", "A", "B", "ratio", "target", "runs", "met")} == {
        "name": "fast", "A": 0.3, "B": 0.15, "ratio": 2.0, "target": 2.0, "runs": 2,
        "met": True}
    assert (fast["a_label"], fast["b_label"]) == ("ours", "theirs")
    assert {k: floor[k] for k in ("A", "B", "ratio", "runs", "met")} == {
        "A": None, "B": None, "ratio": None, "runs": 0, "met": False}
    assert floor["error"] == "scripts/bench_floor.py is missing"


def test_the_table_shows_every_ratio_with_its_target_and_verdict(harness: ModuleType) -> None:
    rounds = [{"x": 0.0015, "y": 0.001}]
    text = harness.table([
        harness.entry("slow", rounds, "x", "y", target=1.3),
        harness.entry("told", rounds, "x", "y"),
        harness.Failure("gone", "no floor script", 2.0),
    ])
    lines = text.splitlines()
    assert lines[2].split() == ["slow", "1.5", "ms", "1.0", "ms", "1.50x", "<=", "1.3x", "1",
                                "MISSED"]
    assert lines[3].split()[-3:] == ["-", "1", "reported"]
    assert lines[4].split() == ["gone", "-", "-", "-", "<=", "2x", "0", "FAILED"]
    assert "gone: FAILED: no floor script" in lines


def test_without_the_floor_script_the_page_run_entry_fails_loudly(
        suite: ModuleType, tmp_path: Path) -> None:
    floor = next(b for b in suite.BENCHMARKS if b.name == "page-run-floor")
    settings = suite.Settings(runs=1, quick=True, scratch=tmp_path,
                              floor=suite.REPO / "scripts" / "no-such-floor.py")
    [outcome] = suite.run_one(floor, settings)
    assert isinstance(outcome, suite.Failure)
    assert "scripts/no-such-floor.py is missing" in outcome.error
    assert outcome.to_json()["ratio"] is None


def test_per_block_leaves_out_the_first_and_last_blocks(suite: ModuleType) -> None:
    assert suite.per_block([5.0, 0.01, 0.03, 2.0]) == pytest.approx(0.02)
    with pytest.raises(suite.BenchError, match="at least 3"):
        suite.per_block([5.0, 2.0])


def test_the_minute_long_benchmarks_take_two_rounds_unless_told(suite: ModuleType) -> None:
    by_name = {b.name: b for b in suite.BENCHMARKS}
    long, short = by_name["page-run-floor"], by_name["python-blocks"]
    assert [suite.rounds_of(b, None, quick=False) for b in (long, short)] == [2, 3]
    assert [suite.rounds_of(b, 5, quick=False) for b in (long, short)] == [5, 5]
    assert [suite.rounds_of(b, 5, quick=True) for b in (long, short)] == [1, 1]


def test_only_selects_benchmarks_by_number_or_name(suite: ModuleType) -> None:
    chosen = suite.selected("1,site-build")
    assert [b.name for b in chosen] == ["python-blocks", "site-build"]
    with pytest.raises(SystemExit, match="unknown benchmark nine"):
        suite.selected("nine")
