"""A world's state file: cluster objects, virtual clock with pending events, and trace.

Saves replace the file atomically, so a reader sees the old or the new state, never half.
The stamp (inode, mtime, size) tells a process whether another one has saved since it read.
"""

import json
from pathlib import Path

from podsim.clock import Clock
from podsim.errors import WorldError
from podsim.state import WorldState, from_data, to_data
from podsim.trace import Trace

STATE_FILE = "world.json"

Stamp = tuple[int, int, int]


def load(root: Path) -> tuple[WorldState, Clock, Trace]:
    path = root / STATE_FILE
    if not path.is_file():
        raise WorldError(f"{path}: no world here (state file missing)")
    try:
        raw = json.loads(path.read_text())
        return (
            from_data(WorldState, raw["state"]),
            Clock.from_dict(raw["clock"]),
            Trace.from_list(raw["trace"]),
        )
    except (ValueError, KeyError, TypeError, StopIteration) as error:
        raise WorldError(f"{path}: corrupt world state ({type(error).__name__}: {error})") from None


def save(root: Path, state: WorldState, clock: Clock, trace: Trace) -> Stamp | None:
    """Write the state file; returns its new stamp."""
    payload = {"state": to_data(state), "clock": clock.to_dict(), "trace": trace.to_list()}
    path = root / STATE_FILE
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(payload, indent=1, sort_keys=True))
    partial.replace(path)
    return stamp(root)


def stamp(root: Path) -> Stamp | None:
    try:
        info = (root / STATE_FILE).stat()
    except FileNotFoundError:
        return None
    # A save replaces the file, so its inode changes even when size and mtime would not.
    return (info.st_ino, info.st_mtime_ns, info.st_size)
