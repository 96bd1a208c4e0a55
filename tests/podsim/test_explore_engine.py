"""The exploration engine's shortcuts give the answers the slow way gives."""

from pathlib import Path

import pytest

from podsim.api import push_daemon
from podsim.api.context import ProcessContext
from podsim.explore import Workload, explore
from podsim.explore.fate_cache import fates
from podsim.explore.workload import drive


@pytest.mark.parametrize("workload", [Workload(writes=2, origin="flapping", other_writer=True),
                                      Workload(writes=2, origin="refuse")])
def test_cached_fates_equal_the_worlds_own_at_every_boundary_and_after_faults(
        tmp_path: Path, workload: Workload) -> None:
    world = workload.create_world(tmp_path / "world")
    seen = 0
    for _move in drive(workload, world):
        assert fates(world) == world.fates()
        seen += 1
    world.evict()  # a lost pod: its writes must read as lost, not pod-only
    world.advance(120.0)
    assert fates(world) == world.fates()
    assert seen > 3


def test_a_published_branch_rewound_mid_run_and_restored_breaks_append_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each push attempt first rewinds origin's branch two commits, and the push that ends
    # the attempt (a later event) moves it forward again: the end state looks fine, so
    # only a check after every event sees the rewrite.
    real_attempt = push_daemon._attempt

    def rewinding(ctx: ProcessContext) -> None:
        real_attempt(ctx)
        batch = ctx.state[push_daemon.STATE_KEY]["batch"]
        if batch and batch.get("tip"):
            ctx.git("push", "--force", "origin", f"{batch['tip']}~2:refs/heads/published",
                    check=False)

    monkeypatch.setattr(push_daemon, "_attempt", rewinding)
    result = explore([Workload(writes=2)], faults=["oom-kill"])
    details = [v["detail"] for c in result.cases for v in c.unexpected()]
    assert any("not a fast-forward" in d for d in details), details



def test_the_progress_bar_draws_on_a_terminal_and_never_off_one(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from rich.console import Console

    from podsim.explore import runner

    screen = io.StringIO()
    monkeypatch.setattr(runner, "progress_console",
                        lambda: Console(file=screen, force_terminal=True, width=80))
    explore([Workload(writes=1)], faults=["oom-kill"], progress=True)
    assert "exploring" in screen.getvalue()
    drawn = screen.tell()
    explore([Workload(writes=1)], faults=["oom-kill"])  # stderr is not a TTY under pytest
    assert screen.tell() == drawn
    assert capsys.readouterr() == ("", "")
