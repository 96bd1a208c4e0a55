"""`World` is a façade: every public read takes the lock and reloads, so what one handle
does is seen by every other handle on the same directory; `serving_pod()` is ready only."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from podsim import persistence
from podsim.api.errors import NotListening
from podsim.clock import DEFAULT_EPOCH
from podsim.errors import WorldError
from podsim.world import World


def _ready_pair(tmp_path: Path) -> tuple[World, World]:
    first = World.create(tmp_path / "w")  # a new world starts served
    return first, World.open(first.root)


def _offline_write(world: World) -> None:
    """An origin fault, then a write whose push fails."""
    world.origin.set_network(False)
    world.write()
    world.advance(3)


def _replace_pod(world: World) -> None:
    world.delete_pod()
    world.wait_until_serving()


# read name -> (what the second handle changes, how the first handle reads it)
READS: dict[str, tuple[Callable[[World], None], Callable[[World], Any]]] = {
    "now": (lambda w: w.advance(5), lambda w: w.now),
    "utc": (lambda w: w.advance(5), lambda w: w.utc()),
    "next_event_at": (lambda w: w.write(), lambda w: w.next_event_at()),
    "trace": (lambda w: w.write(), lambda w: w.trace.to_list()),
    "state": (lambda w: w.write(), lambda w: w.state),
    "pods": (lambda w: w.delete_pod(), lambda w: w.pods()),
    "pod": (lambda w: w.delete_pod(), lambda w: w.pod()),
    "serving_pod": (_replace_pod, lambda w: w.serving_pod()),
    "data_dir": (lambda w: w.delete_pod(), lambda w: w.data_dir()),
    "fates": (lambda w: w.write(), lambda w: w.fates()),
    "daemon_status": (_offline_write, lambda w: w.daemon_status()),
}


@pytest.mark.parametrize("read", READS)
def test_a_second_handle_s_change_is_seen_by_the_first(tmp_path: Path, read: str) -> None:
    change, look = READS[read]
    first, second = _ready_pair(tmp_path)
    before = look(first)
    change(second)
    seen = look(first)
    assert seen != before, f"world.{read} did not change"
    assert seen == look(second)


EVERY_READ: dict[str, Callable[[World], Any]] = {
    **{name: look for name, (_, look) in READS.items()},
    "manifest": lambda w: w.manifest,
    "mounts": lambda w: w.mounts(w.pods()[0]),
}


@pytest.mark.parametrize("read", EVERY_READ)
def test_every_read_reloads_once_after_another_handle_saved(
    tmp_path: Path, read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _ready_pair(tmp_path)
    second.advance(1)
    loads: list[Path] = []
    real_load = persistence.load

    def counting_load(root: Path) -> persistence.Saved:
        loads.append(root)
        return real_load(root)

    monkeypatch.setattr(persistence, "load", counting_load)
    EVERY_READ[read](first)
    assert loads == [first.root]
    EVERY_READ[read](first)  # nothing saved since: no second load
    assert loads == [first.root]


def test_utc_is_the_epoch_plus_virtual_time(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    start, booted = world.utc(), world.now
    world.advance(90)
    assert (world.utc() - start).total_seconds() == 90
    assert world.utc(booted) == start
    assert world.utc(0) == DEFAULT_EPOCH


def test_serving_pod_refuses_a_crash_looping_pod_naming_its_state(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.origin.set_network(False)
    world.delete_pod()  # the replacement cannot clone: it crash-loops
    world.advance(20)
    looping = world.pod()  # the deployment's current pod, ready or not
    assert looping.container.reason == "CrashLoopBackOff"
    with pytest.raises(WorldError) as refused:
        world.serving_pod()
    message = str(refused.value)
    assert "expected one serving pod" in message
    assert f"{looping.name} (phase Running, container waiting: CrashLoopBackOff, not ready)" \
        in message


def test_a_new_world_starts_served_once_its_first_boot_is_ready(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    (listening,) = world.trace.of_kind("api.listening")
    assert listening.t == pytest.approx(31.54)  # clone 10 s, store, reconcile, load 20 s
    assert world.now == 35.0  # the first readiness probe after it: 10 s, then every 5 s
    assert world.serving_pod() == world.pod()


def test_serving_pod_waits_for_the_process_to_listen(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.crash()  # restarts at once; the clone is kept, boot takes its steps again
    world.advance(15)  # past the probe's initial delay, but the in-memory load runs
    with pytest.raises(WorldError, match="container running, not ready"):
        world.serving_pod()
    with pytest.raises(NotListening, match="connection refused"):
        world.write()
    assert world.wait_until_serving() == 10.0  # listens at 21.54 s: the probe at 25 s
    assert world.serving_pod() == world.pod()
    assert world.wait_until_serving() == 0.0
    world.write()


def test_the_api_settings_live_with_the_world_not_in_the_cluster_state(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w", sigterm_handler=True, git_version=(2, 39))
    assert not hasattr(world.state, "sigterm_handler")
    reopened = World.open(world.root)
    assert (reopened.api_settings.git_version, reopened.api_settings.sigterm_handler) == (
        (2, 39), True)
    reopened.delete_pod()
    (exited,) = reopened.trace.of_kind("container.exit")
    assert exited.data["exit_code"] == 0  # the handler survived the reopen


def test_settings_and_a_process_together_are_refused(tmp_path: Path) -> None:
    from podsim.api.process import ApiProcess

    with pytest.raises(WorldError, match="give git_version and sigterm_handler to the process"):
        World.create(tmp_path / "w", process=ApiProcess(), sigterm_handler=True)


def test_a_pod_whose_boot_keeps_failing_is_never_ready(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.origin.set_fault("blackhole")  # each boot's fetch hangs past pluginTimeout
    world.crash()
    for _ in range(120):  # probes at 10 s and every 5 s after each start all fail
        world.advance(1)
        assert world.pod().container.ready_at is None
    assert len(world.trace.of_kind("api.plugin-timeout")) >= 2
    with pytest.raises(WorldError, match="not ready"):
        world.serving_pod()
