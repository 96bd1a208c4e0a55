"""The data repository's deploy keys on the simulated GitHub, and the keys origin accepts.

GitHub's list of deploy keys (id, title, public key, read-only or not, creation time) is
kept in `origin-keys/deploy-keys.json`; an operator's own keys (user keys, never listed as
deploy keys) in `origin-keys/user-keys`. Every change rewrites the two files the ssh shim
reads at connection time: `authorized_keys` (keys that may push) and `read-only-keys`
(keys that may only fetch).

A key is known by its identity: for a real OpenSSH key the public key's type and blob (what
GitHub's API returns as `key`), derived from a private key file with `ssh-keygen -y`, as the
shim does; for the world's placeholder keys (`podsim-deploy-key-1`, cheap to make and to
check on every push) the file's first line.
"""

import json
import re
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from podsim.errors import WorldError

__all__ = ["DeployKey", "DeployKeys", "InvalidPublicKey", "KeyInUse", "key_identity",
           "public_identity"]

FIRST_ID = 101_000_001  # deploy key ids count up from here, one per key ever added
OPENSSH_PRIVATE = "-----BEGIN OPENSSH PRIVATE KEY-----"
# The public key formats GitHub accepts for deploy keys: type, base64 blob, optional comment.
_PUBLIC_KEY = re.compile(
    r"(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com"
    r"|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})(?: .*)?\Z")


class InvalidPublicKey(ValueError):
    """A key given to add is not an OpenSSH public key."""


class KeyInUse(WorldError):
    """A key given to add is already one of the repository's deploy keys."""


@dataclass(frozen=True)
class DeployKey:
    id: int
    title: str
    key: str
    read_only: bool
    created_at: str  # RFC 3339, UTC, from the world's virtual clock


def key_identity(private_key: Path) -> str:
    """What origin knows the key in `private_key` by ('' if it cannot be read)."""
    try:
        first = private_key.read_text().split("\n", 1)[0].strip()
    except (OSError, UnicodeDecodeError):
        return ""
    if first != OPENSSH_PRIVATE:
        return first
    derived = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(private_key)],
                             capture_output=True, text=True, check=False)
    return " ".join(derived.stdout.split()[:2]) if derived.returncode == 0 else ""


def public_identity(public_key: str) -> str:
    """A public key line as GitHub stores it: type and blob, the comment dropped."""
    match = _PUBLIC_KEY.match(public_key.strip())
    if match is None:
        raise InvalidPublicKey("key is invalid. You must supply a key in OpenSSH public key "
                               "format")
    return f"{match.group(1)} {match.group(2)}"


class DeployKeys:
    """The deploy keys of the one repository origin holds, in `directory` (origin-keys/)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._file = directory / "deploy-keys.json"
        self._user_keys = directory / "user-keys"

    def entries(self) -> list[DeployKey]:
        return [DeployKey(**entry) for entry in self._load()["keys"]]

    def add(self, title: str, key: str, read_only: bool, created_at: str) -> DeployKey:
        """Register `key` (an identity) unless it is already a deploy key."""
        data = self._load()
        if any(entry["key"] == key for entry in data["keys"]):
            raise KeyInUse("key is already in use")
        added = DeployKey(int(data["next_id"]), title, key, read_only, created_at)
        data["keys"].append(asdict(added))
        data["next_id"] = added.id + 1
        self._save(data)
        return added

    def delete(self, key_id: int) -> bool:
        """Remove the key with `key_id`; False if there is none."""
        data = self._load()
        kept = [entry for entry in data["keys"] if entry["id"] != key_id]
        if len(kept) == len(data["keys"]):
            return False
        data["keys"] = kept
        self._save(data)
        return True

    def authorize_user_key(self, key: str) -> None:
        """Let an operator's own key in (it may push; it is no deploy key)."""
        users = self._users()
        if key not in users:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(self._user_keys, _lines([*users, key]))
            self._save(self._load())

    def may_push(self, key: str) -> bool:
        return key in self._users() or any(
            k.key == key and not k.read_only for k in self.entries())

    def _users(self) -> list[str]:
        if not self._user_keys.exists():
            return []
        return [line for line in self._user_keys.read_text().splitlines() if line]

    def _load(self) -> dict[str, Any]:
        """{"next_id": int, "keys": [DeployKey fields, ...]}"""
        if not self._file.exists():
            return {"next_id": FIRST_ID, "keys": []}
        try:
            loaded = json.loads(self._file.read_text())
        except ValueError as error:
            raise WorldError(f"{self._file}: not JSON: {error}") from None
        if not isinstance(loaded, dict) or set(loaded) != {"next_id", "keys"}:
            raise WorldError(f"{self._file}: not a deploy key list")
        return loaded

    def _save(self, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(self._file, json.dumps(data, indent=1) + "\n")
        keys = [DeployKey(**entry) for entry in data["keys"]]
        writers = [*self._users(), *(k.key for k in keys if not k.read_only)]
        _write_atomically(self.directory / "authorized_keys", _lines(writers))
        _write_atomically(self.directory / "read-only-keys",
                          _lines(k.key for k in keys if k.read_only))


def _lines(keys: Iterable[str]) -> str:
    return "".join(f"{key}\n" for key in keys)


def _write_atomically(path: Path, text: str) -> None:
    # The shim may read these files while they change: it sees the old or the new one.
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    temporary.replace(path)
