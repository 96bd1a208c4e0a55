"""The check vocabulary says what happened to writes in a real world, not what it assumes."""

from pathlib import Path

import pytest

from podsim import checks
from podsim.world import World

READY_AFTER_S = 30.0  # past the readiness probe's initial delay


@pytest.fixture
def world(tmp_path: Path) -> World:
    built = World.create(tmp_path / "w")
    built.advance(READY_AFTER_S)
    return built


def test_writes_during_outage_wait_on_the_pod_until_the_next_retry(world: World) -> None:
    waiting = checks.writes_during_outage(world, count=3)
    assert len(waiting) == 3
    assert checks.fates_of(world, waiting) == {"pod-only"}
    assert sorted(checks.only_on_pod(world)) == sorted(waiting)
    assert not checks.all_pushed(world)
    world.advance(60)  # the scheduled retry runs; origin was back already
    assert checks.fates_of(world, waiting) == {"origin"}
    assert checks.only_on_pod(world) == []
    assert checks.all_pushed(world)


def test_lost_writes_are_the_ones_a_pod_delete_took(world: World) -> None:
    pushed = world.write()
    world.advance(5)
    waiting = checks.writes_during_outage(world)
    world.delete_pod()
    world.advance(READY_AFTER_S)
    assert sorted(checks.lost_writes(world)) == sorted(waiting)
    assert checks.fates_of(world, [pushed]) == {"origin"}
    assert checks.writes_with_fate(world, "origin") == [pushed]


def test_pod_git_reads_the_pod_clone_and_says_none_on_failure(world: World) -> None:
    world.write()
    world.advance(5)
    assert checks.pod_git(world, "rev-parse", "published") == world.origin.tip()
    assert checks.pod_git(world, "rev-parse", "--verify", "no-such-branch") is None


def test_restart_container_keeps_the_pod_and_reports_the_new_outcome(world: World) -> None:
    pod = world.pod().name
    waiting = checks.writes_during_outage(world)
    assert checks.restart_container(world, world.crash) == "pushed-ahead"
    assert world.pod().name == pod
    assert checks.fates_of(world, waiting) == {"origin"}
    assert checks.last_reconcile(world)["outcome"] == "pushed-ahead"



def test_fates_in_scenario_replays_a_fault_beside_the_world(world: World) -> None:
    assert set(checks.fates_in_scenario(world, "process-crash").values()) == {"origin"}
    assert "lost" in checks.fates_in_scenario(world, "pod-delete").values()
    assert "lost" in checks.fates_in_scenario(world, "pod-delete").values()  # a second run
    assert (world.root.parent / "scenarios" / "pod-delete-2").is_dir()


def test_first_write_after_a_fault_shows_how_the_daemon_classified_it(world: World) -> None:
    net = checks.first_write_after(world, "net", lambda w: w.origin.set_network(False))
    assert net.root.parent == world.root.parent / "scratch"
    assert "Network is unreachable" in str(checks.last_push_error(net)["message"])
    assert checks.retry_count(net) >= 3
    assert checks.retry_count(world) == 0
    nff = checks.first_write_after(
        world, "nff", lambda w: w.origin.advance(w.utc(), "notes/x.md", "x\n", "Import"))
    assert checks.last_push_error(nff)["reason"] == "non-fast-forward"
    assert checks.retry_count(nff) == 0
    with pytest.raises(FileExistsError, match="'net'"):
        checks.scratch_world(world, "net")


def test_last_push_error_names_the_world_when_no_push_failed(world: World) -> None:
    world.write()
    world.advance(5)
    with pytest.raises(LookupError, match=str(world.root)):
        checks.last_push_error(world)


def test_events_since_keeps_only_what_happened_from_then_on(world: World) -> None:
    world.origin.set_network(False)
    world.write()
    world.advance(5)
    start = world.now
    world.advance(60)
    later = checks.events_since(world, "push-daemon.retry", start)
    every = world.trace.of_kind("push-daemon.retry")
    assert later and len(later) < len(every) and all(e.t >= start for e in later)
    assert later == [e for e in every if e.t >= start]
