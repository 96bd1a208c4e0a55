"""A saved world reads back as it was: state, clock and the trace with every entry's data."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from podsim import persistence
from podsim.clock import Clock
from podsim.state import Deployment, Node, WorldState
from podsim.trace import Trace


def _state() -> WorldState:
    return WorldState(seed=0, deploy_dir="deploy", deployment=Deployment("api", "ns"),
                      nodes=[Node("node-1")])


@dataclass
class Where:
    pod: str
    line: int


def test_the_trace_saves_as_to_list_gives_it_and_reads_back(tmp_path: Path) -> None:
    trace = Trace()
    trace.record(1.5, "write", "w-0001 people/a.toml", write_id="w-0001",
                 nested={"b": [1, 2], "a": None})
    trace.record(2.0, "container.start", "pod: start #1", pod="pod", where=Where("pod", 3))
    expected = json.loads(json.dumps(trace.to_list()))
    persistence.save(tmp_path, persistence.Saved(_state(), Clock(), trace, {"api": {}}))
    loaded = persistence.load(tmp_path)
    assert loaded.trace.to_list() == expected
    assert expected[1]["data"]["where"] == {"pod": "pod", "line": 3}
    assert loaded.process == {"api": {}}


def test_what_json_cannot_hold_is_refused_by_name(tmp_path: Path) -> None:
    trace = Trace()
    trace.record(0.0, "write", "w", odd=object())
    with pytest.raises(TypeError, match="object is not JSON serializable"):
        persistence.save(tmp_path, persistence.Saved(_state(), Clock(), trace, {}))
