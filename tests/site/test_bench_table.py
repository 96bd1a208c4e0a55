"""The performance page's table (hooks/bench_table.py) from a benchmark result document."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from mkdocs.exceptions import PluginError
from site_project import REPO, load_module


def _hook() -> ModuleType:
    sys.path.insert(0, str(REPO / "hooks"))  # its sibling _layout, as mkdocs loads hooks
    try:
        return load_module("bench_table", REPO / "hooks" / "bench_table.py")
    finally:
        sys.path.remove(str(REPO / "hooks"))


hook = _hook()

DOCUMENT = {
    "date": "2026-12-06T18:00:00Z", "commit": "abc1234", "machine": "x86_64, 2 cores",
    "load_average_at_start": 3.5, "quick": False, "seconds": 412.0,
    "entries": [
        {"name": "5. site build", "A": 1.5, "B": 1.0, "ratio": 1.5, "target": 1.5, "runs": 3,
         "a_label": "hooks", "b_label": "plain", "note": ""},
        {"name": "1. per block", "A": 0.0009, "B": 0.0003, "ratio": 3.0, "target": 1.3,
         "runs": 3, "a_label": "docproof", "b_label": "PMD", "note": ""},
        {"name": "7. explore", "A": 2.0, "B": 4.0, "ratio": 0.5, "target": None, "runs": 3,
         "a_label": "2 workers", "b_label": "1 worker", "note": "20 states per run"},
        {"name": "8. floor", "A": None, "B": None, "ratio": None, "target": 2.0, "runs": 0,
         "met": False, "error": "scripts/bench_floor.py is missing"},
    ],
}


def test_each_entry_is_a_row_with_its_verdict() -> None:
    lines = hook.render_bench(DOCUMENT).splitlines()
    assert lines[2] == "| 5. site build | 1.50 s | 1.00 s | 1.50x | ≤ 1.5x | met | 3 |"
    assert lines[3] == "| 1. per block | 900 µs | 300 µs | 3.00x | ≤ 1.3x | **missed** | 3 |"
    assert lines[4] == "| 7. explore | 2.00 s | 4.00 s | 0.50x | — | reported | 3 |"
    assert lines[5] == "| 8. floor | — | — | — | ≤ 2x | **failed** | 0 |"
    assert "- **7. explore**: A is 2 workers; B is 1 worker. 20 states per run." in lines
    assert "- **8. floor**: failed: scripts/bench_floor.py is missing" in lines
    assert lines[-1].startswith("Measured 2026-12-06T18:00:00Z at commit `abc1234`")


def test_a_result_without_a_field_is_refused_naming_file_and_entry(tmp_path: Path) -> None:
    broken = {**DOCUMENT, "entries": [{k: v for k, v in DOCUMENT["entries"][0].items()
                                       if k != "target"}]}
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(PluginError, match=r"bench\.json: entry 1 lacks target"):
        hook.read_bench(path)
    path.write_text("{")
    with pytest.raises(PluginError, match="cannot read the benchmark result"):
        hook.read_bench(path)


def test_the_committed_result_renders() -> None:
    document = hook.read_bench(REPO / hook.BENCH_RESULT)
    assert hook.render_bench(document).count("\n| ") == len(document["entries"]) + 1
