"""A world lives in one directory and can be reopened by another process."""

import fcntl
import subprocess
import sys
from pathlib import Path

import pytest

from podsim import persistence
from podsim.errors import WorldError
from podsim.world import STATE_FILE, World


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_another_process_reads_and_changes_the_same_world(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    name = world.pod().name
    root = str(world.root)
    seen = run_python(
        "from podsim.world import World\n"
        f"w = World.open({root!r})\n"
        "print(w.pod().name)\n"
        "w.oom_kill()\n"
    )
    assert seen == name
    # The first process's handle sees the other process's fault on its next operation.
    assert world.pod().container.restart_count == 1
    world.advance(30)  # from 35 s, where the new world's pod turned ready
    assert run_python(f"from podsim.world import World; print(World.open({root!r}).now)") == "65.0"


def test_reopened_world_keeps_pending_events(tmp_path: Path) -> None:
    world = World.create(tmp_path / "w")
    world.hang()
    reopened = World.open(world.root)
    reopened.advance(200)
    assert reopened.pod().container.restart_count == 1


def test_missing_world_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorldError, match=r"world\.json: no world here"):
        World.open(tmp_path / "nowhere")


@pytest.mark.parametrize("content", ["{not json", '{"state": {}}', "[]"])
def test_corrupt_state_file_names_the_file(tmp_path: Path, content: str) -> None:
    world = World.create(tmp_path / "w")
    (world.root / STATE_FILE).write_text(content)
    with pytest.raises(WorldError) as caught:
        World.open(world.root)
    message = str(caught.value)
    assert str(world.root / STATE_FILE) in message and "corrupt world state" in message
    assert "\n" not in message


def test_creating_over_an_existing_world_is_refused(tmp_path: Path) -> None:
    World.create(tmp_path / "w")
    with pytest.raises(WorldError, match="already exists"):
        World.create(tmp_path / "w")


def test_same_seed_same_world(tmp_path: Path) -> None:
    a = World.create(tmp_path / "a", seed=7)
    b = World.create(tmp_path / "b", seed=7)
    assert a.pod().name == b.pod().name
    assert a.origin.tip() == b.origin.tip()


def test_a_save_racing_open_is_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process saves right after `open` read the state: the old race lost that save."""
    world = World.create(tmp_path / "w")
    start = world.now
    other = World.open(world.root)
    real_load = persistence.load
    raced: list[bool] = []

    def load_then_race(root: Path) -> persistence.Saved:
        saved = real_load(root)
        with (root / "world.lock").open("a") as probe:
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return saved  # open holds the lock: the other writer has to wait its turn
        if not raced:
            raced.append(True)
            other.oom_kill()  # lands between open's read and its stamp
        return saved

    monkeypatch.setattr(persistence, "load", load_then_race)
    opened = World.open(world.root)
    monkeypatch.setattr(persistence, "load", real_load)
    if not raced:
        other.oom_kill()  # the other writer's turn, once open let go of the lock
    opened.advance(30)
    reread = World.open(world.root)
    assert reread.pod().container.restart_count == 1
    assert reread.now == start + 30.0
