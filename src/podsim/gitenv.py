"""The environment every git subprocess in the world runs with.

Git must never read the real home directory or the machine's global config, and its
output must not depend on the caller's locale or time zone.

A world's repositories stay far below git's housekeeping thresholds, yet git forks a
`maintenance run --auto` (and from it a `gc --auto`) after every fetch and a `gc --auto`
after every push it receives: processes that find nothing to do. `NO_HOUSEKEEPING` turns
them off in the world's own config files (origin's, each container's global one).
"""

import os
from pathlib import Path

# Variables from the caller's environment that git may keep; everything else is dropped.
_PASSTHROUGH = ("PATH", "TMPDIR", "SYSTEMROOT")


# git config syntax: no automatic gc or maintenance, none after a received push either.
NO_HOUSEKEEPING = "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n[receive]\n\tautogc = false\n"


def skip_housekeeping(config_file: Path) -> None:
    """Append `NO_HOUSEKEEPING` to a git config file, creating it if missing."""
    with config_file.open("a", encoding="utf-8") as config:
        config.write(NO_HOUSEKEEPING)


def git_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment whose HOME (and global git config) is `home`."""
    env = {key: os.environ[key] for key in _PASSTHROUGH if key in os.environ}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
        LANG="C",
        TZ="UTC",
    )
    env.update(extra)
    return env
