"""How git in any world process reaches the simulated GitHub: an ssh shim.

Git runs `GIT_SSH_COMMAND` for `git@github.com:...` URLs. Pointing it at the shim in
`podsim/shims/ssh` makes clone, fetch and push from a pod, from the entrypoint under bash
or from an operator's shell talk to `<world>/origin.git`, with faults read from
`<world>/faults/` at the moment of each connection.

Two ways to be unreachable: `network-down` refuses at once (ssh: "Network is
unreachable"); `blackhole` drops packets, so the shim fails with ssh's "Connection timed out"
and the caller charges the virtual time ssh would have waited (`connection_hangs`).
"""

import functools
import os
import shlex
from pathlib import Path

from podsim.errors import WorldError

# The data remote from deploy/kustomize/base/deployment.yaml (CFP_DATA_REMOTE).
ORIGIN_URL = "git@github.com:CodeForPhilly/codeforphilly-data.git"

SHIM_DIR = Path(__file__).resolve().parent / "shims"

NETWORK_DOWN = "network-down"  # refuse: connections fail at once
BLACKHOLE = "blackhole"  # packets dropped: connections hang until ssh gives up
_WORLD_OPTION = "PodsimWorld="


def shim_path() -> Path:
    """The ssh shim script; it must be executable because git runs it directly."""
    path = SHIM_DIR / "ssh"
    if not os.access(path, os.X_OK):
        raise WorldError(f"ssh shim {path} is missing or not executable")
    return path


def ssh_command(world_dir: Path, key_file: Path) -> str:
    """A GIT_SSH_COMMAND value that authenticates with `key_file` against `world_dir`.

    The options mirror the ConfigMap's (`-i <key> -o IdentitiesOnly=yes ...`); the shim
    learns its world from `-o PodsimWorld=<dir>`, an option only the shim understands.
    """
    if world_dir.is_absolute() and key_file.is_absolute():
        return _ssh_command(world_dir, key_file)  # the kubelet asks again at every event
    return _ssh_command.__wrapped__(world_dir, key_file)


@functools.lru_cache(maxsize=64)
def _ssh_command(world_dir: Path, key_file: Path) -> str:
    words = [
        str(shim_path()),
        "-o", f"PodsimWorld={world_dir.resolve()}",
        "-i", str(key_file.absolute()),
        "-o", "IdentitiesOnly=yes",
        "-o", "StrictHostKeyChecking=accept-new",
        "-o", "UserKnownHostsFile=/dev/null",
    ]
    # git hands this string to `sh -c`, so every word is quoted for the shell.
    return " ".join(shlex.quote(word) for word in words)


def connection_hangs(ssh_command: str | None) -> bool:
    """Whether a connection made now through this GIT_SSH_COMMAND would hang (black hole).

    A refused network wins: with both flags ssh fails at once, as the shim does.
    """
    world = _world_of(ssh_command or "")
    if world is None:
        return False
    faults = Path(world) / "faults"
    return (faults / BLACKHOLE).exists() and not (faults / NETWORK_DOWN).exists()


@functools.lru_cache(maxsize=64)
def _world_of(ssh_command: str) -> str | None:
    """The world directory a GIT_SSH_COMMAND names with `-o PodsimWorld=`, if any."""
    for word in shlex.split(ssh_command):
        if word.startswith(_WORLD_OPTION):
            return word.removeprefix(_WORLD_OPTION)
    return None
