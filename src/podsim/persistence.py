"""A world's state file: cluster objects, virtual clock with pending events, trace, and the
settings of the process the containers run (opaque here: the process's owner reads them).

Saves replace the file atomically, so a reader sees the old or the new state, never half.
The stamp (inode, mtime, size) tells a process whether another one has saved since it read.
"""

import json
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any, NamedTuple

from podsim.clock import Clock
from podsim.errors import WorldError
from podsim.state import WorldState, from_data, to_data
from podsim.trace import Trace, TraceEntry

STATE_FILE = "world.json"

Stamp = tuple[int, int, int]

_ENTRY_FIELDS = tuple(f.name for f in fields(TraceEntry))


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
        "trace": _entries(saved.trace),
        "process": saved.process,
    }
    path = root / STATE_FILE
    partial = path.with_suffix(".partial")
    # Compact: json's C encoder only runs without indent, and a save happens per operation.
    partial.write_text(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                  default=_dataclass_data))
    partial.replace(path)
    return stamp(root)


def _entries(trace: Trace) -> list[dict[str, Any]]:
    """The trace as `Trace.to_list` gives it, without deep-copying every entry's data on
    every save (the encoder only reads it)."""
    return [{name: getattr(entry, name) for name in _ENTRY_FIELDS} for entry in trace.entries]


def _dataclass_data(value: object) -> Any:
    """A dataclass inside an entry's data is saved as `dataclasses.asdict` saves it."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def stamp(root: Path) -> Stamp | None:
    try:
        info = (root / STATE_FILE).stat()
    except FileNotFoundError:
        return None
    # A save replaces the file, so its inode changes even when size and mtime would not.
    return (info.st_ino, info.st_mtime_ns, info.st_size)
