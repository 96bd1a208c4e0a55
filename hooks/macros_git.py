"""mkdocs-macros' `git` variable (commit, tag, author, ...) is read from git only if a page uses it.

As every build starts, mkdocs-macros runs twelve git commands to fill `git`. No page of this
site reads it, and each command forks the whole mkdocs process: under load, those forks
cost as much again as the rest of a rebuild. The variable is now a mapping that runs the
same commands (mkdocs-macros' own reader) the first time a page reads it, once per build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import mkdocs_macros.context as macros_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

GitReader = Callable[[], Mapping[str, Any]]


class GitOnDemand(dict[str, Any]):
    """What `read()` returns, read when a value is first asked for (an item, `in`, `get`,
    keys, items, values or the text of the whole). Until then it is an empty dict to
    whatever copies it as a dict: mkdocs-macros copies every variable into a debug log entry
    as each build starts, and that copy must not read git. Iterating it directly (`for key
    in git`, `len`) before any value was asked for sees it empty."""

    def __init__(self, read: GitReader) -> None:
        super().__init__()
        self._read: GitReader | None = read

    def _load(self) -> None:
        if self._read is not None:
            read, self._read = self._read, None
            self.update(read())

    def __getitem__(self, key: str) -> Any:
        self._load()
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._load()
        return super().__contains__(key)

    def __repr__(self) -> str:
        self._load()
        return super().__repr__()

    def get(self, key: str, default: Any = None) -> Any:
        self._load()
        return super().get(key, default)

    def keys(self) -> Any:
        self._load()
        return super().keys()

    def items(self) -> Any:
        self._load()
        return super().items()

    def values(self) -> Any:
        self._load()
        return super().values()


def read_when_used(read: GitReader) -> Callable[[], GitOnDemand]:
    """A stand-in for mkdocs-macros' reader: each call (one per build) a fresh mapping."""

    def deferred() -> GitOnDemand:
        return GitOnDemand(read)

    deferred.deferred_reader = read  # type: ignore[attr-defined]  # marks the stand-in
    return deferred


# Before mkdocs-macros' on_config (priority 0), which fills its variables.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    reader = macros_context.get_git_info
    if not hasattr(reader, "deferred_reader"):  # once per process (mkdocs serve rebuilds)
        macros_context.get_git_info = read_when_used(reader)
    return config
