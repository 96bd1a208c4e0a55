"""Shards of an exploration merge into exactly the unsharded result; the CLI's edges."""

import json
from pathlib import Path

import pytest

from podsim.cli import main
from podsim.explore import Result, Workload, explore, merge

WORKLOAD = [Workload(writes=1, origin="flapping")]
FAULTS = ["oom-kill", "forced-delete", "origin-down"]


def test_two_shards_merged_equal_one_unsharded_run() -> None:
    whole = explore(WORKLOAD, FAULTS)
    parts = [explore(WORKLOAD, FAULTS, shard=(k, 2)) for k in (1, 2)]
    assert all(p.cases for p in parts)
    assert merge(parts).to_dict() == whole.to_dict()


def test_the_cli_merges_shard_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for k in (1, 2):
        assert main(["explore", "--writes", "1", "--faults", "oom-kill,pod-delete",
                     "--shard", f"{k}/2", "--workers", "1", "--json"]) == 0
        files.append(tmp_path / f"{k}.json")
        files[-1].write_text(capsys.readouterr().out)
    assert main(["explore", "merge", *map(str, files), "--json"]) == 0
    merged = Result.from_dict(json.loads(capsys.readouterr().out))
    assert merged.shard == (1, 1)
    assert merged.states == 2 * len({c.boundary for c in merged.cases})


def test_merge_refuses_a_missing_shard() -> None:
    part = explore(WORKLOAD, ["oom-kill"], shard=(1, 2))
    with pytest.raises(ValueError, match=r"shards 1\.\.2"):
        merge([part])


@pytest.mark.parametrize(("argv", "message"), [
    (["explore", "--faults", "oom-kil"], "unknown oom-kil"),
    (["explore", "--shard", "2"], "expected K/N"),
    (["explore", "merge", "/nonexistent.json"], "/nonexistent.json"),
])
def test_bad_input_is_one_clear_error(argv: list[str], message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_state_already_explored_with_a_fault_is_skipped() -> None:
    once = explore(WORKLOAD, ["oom-kill"])
    twice = explore(WORKLOAD * 2, ["oom-kill"])
    assert twice.states == once.states
    assert twice.skipped == once.skipped + once.states + once.skipped


def test_the_drain_switch_makes_states_distinct() -> None:
    drained = [Workload(writes=1, origin="flapping", sigterm_handler=True)]
    both = explore(WORKLOAD + drained, ["oom-kill"])
    assert both.states == 2 * explore(WORKLOAD, ["oom-kill"]).states
