"""A world's state file: cluster objects, virtual clock with pending events, trace, and the
settings of the process the containers run (opaque here: the process's owner reads them).

Saves replace the file atomically, so a reader sees the old or the new state, never half.
The stamp (inode, mtime, size) tells a process whether another one has saved since it read.
"""

import json
from pathlib import Path
from typing import Any, NamedTuple

from podsim.clock import Clock
from podsim.errors import WorldError
from podsim.state import WorldState, from_data, to_data
from podsim.trace import Trace

STATE_FILE = "world.json"

Stamp = tuple[int, int, int]


class Saved(NamedTuple):
    state: WorldState
    clock: Clock
    trace: Trace
    process: dict[str, Any]  # owner key (e.g. "api") -> that owner's settings, JSON-able


def load(root: Path) -> Saved:
    path = root / STATE_FILE
    if not path.is_file():
        raise WorldError(f"{path}: no world here (state file missing)")
    try:
        raw = json.loads(path.read_text())
        process = raw["process"]
        if not isinstance(process, dict):
            raise TypeError(f"process settings must be an object, not {type(process).__name__}")
        return Saved(
            from_data(WorldState, raw["state"]),
            Clock.from_dict(raw["clock"]),
            Trace.from_list(raw["trace"]),
            process,
        )
    except (ValueError, KeyError, TypeError, StopIteration) as error:
        raise WorldError(f"{path}: corrupt world state ({type(error).__name__}: {error})") from None


def save(root: Path, saved: Saved) -> Stamp | None:
    """Write the state file; returns its new stamp."""
    payload = {
        "state": to_data(saved.state),
        "clock": saved.clock.to_dict(),
        "trace": saved.trace.to_list(),
        "process": saved.process,
    }
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
