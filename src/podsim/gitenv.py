"""The environment every git subprocess in the world runs with.

Git must never read the real home directory or the machine's global config, and its
output must not depend on the caller's locale or time zone.
"""

import os
from pathlib import Path

# Variables from the caller's environment that git may keep; everything else is dropped.
_PASSTHROUGH = ("PATH", "TMPDIR", "SYSTEMROOT")


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
