"""The fault matrix page shows the committed exploration's numbers, recounted from its cases."""

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import pytest

from podsim.explore import Result

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "reference" / "fault-matrix.md"
RESULT = REPO / "docs" / "reference" / "fault-matrix.json"


def _hooks_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fault_matrix_macros",
                                                  REPO / "hooks" / "_fault_matrix.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Env:
    """What mkdocs-macros hands `define_macros`: the project and a way to register."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = str(project_dir)
        self.macros: dict[str, Any] = {}

    def macro(self, function: Any) -> None:
        self.macros[function.__name__] = function


def _render(project_dir: Path = REPO) -> str:
    env = _Env(project_dir)
    _hooks_module().define_macros(env)
    source = PAGE.read_text(encoding="utf-8").split("---\n", 2)[2]  # without front matter
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        source).render(**env.macros)


def test_the_page_numbers_equal_the_committed_result_recounted_from_its_cases() -> None:
    raw = json.loads(RESULT.read_text())
    recount = Result.from_dict(raw)  # tallies computed again from the cases
    page = _render()
    row = r"^\| `([^`]+)` \| `([^`]+)` \|" + r" (\d+) \|" * 5 + "$"
    rows = re.findall(row, page, re.MULTILINE)
    shown = {(f, m): [int(n) for n in counts] for f, m, *counts in rows}
    expected = {(f, m): [cell["states"], *(cell.get(k, 0) for k in
                                           ("origin", "conflict-branch", "pod-only", "lost"))]
                for f, row in recount.matrix().items() for m, cell in row.items()}
    assert shown == expected and len(shown) >= 10
    assert f"**{recount.states}** (crash point, fault) states" in page
    assert recount.states == raw["states"] >= 2000
    unexpected = sum(recount.violations(expected=False).values())
    assert f"Unexpected invariant violations: **{unexpected}**" in page
    for name, count in recount.violations(expected=True).items():
        assert f"- `{name}`: {count}" in page


def test_the_committed_result_is_a_default_exploration() -> None:
    from podsim.explore import FAULTS
    from podsim.explore.workload import DEFAULT_WORKLOADS

    raw = json.loads(RESULT.read_text())
    assert raw["workloads"] == [w.to_dict() for w in DEFAULT_WORKLOADS]
    assert raw["faults"] == list(FAULTS)
    assert raw["shard"] == [1, 1]


def test_a_missing_result_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"fault-matrix\.json.*nox -s explore"):
        _render(tmp_path)


def test_an_unknown_number_names_the_known_ones() -> None:
    module = _hooks_module()
    with pytest.raises(module.FaultMatrixError, match="expected one of states"):
        module.number(json.loads(RESULT.read_text()), "crash_points")
