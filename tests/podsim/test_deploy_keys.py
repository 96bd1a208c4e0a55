"""GitHub's deploy key list as origin keeps it, and how a key is known (its identity)."""

import subprocess
from pathlib import Path

import pytest

from podsim.deploy_keys import DeployKeys, InvalidPublicKey, key_identity, public_identity
from podsim.errors import WorldError

WHEN = "2026-08-15T12:00:00Z"


def test_a_real_key_is_known_by_its_public_half(tmp_path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me",
                    "-f", str(tmp_path / "id")], check=True)
    public = (tmp_path / "id.pub").read_text()
    assert key_identity(tmp_path / "id") == public_identity(public) == " ".join(
        public.split()[:2])


def test_a_placeholder_key_is_known_by_its_first_line(tmp_path: Path) -> None:
    (tmp_path / "k").write_text("podsim-deploy-key-3\n")
    assert key_identity(tmp_path / "k") == "podsim-deploy-key-3"
    assert key_identity(tmp_path / "missing") == ""


@pytest.mark.parametrize("text", ["", "podsim-deploy-key-1", "ssh-dss AAAA", "ssh-ed25519"])
def test_only_openssh_public_keys_can_be_added(text: str) -> None:
    with pytest.raises(InvalidPublicKey, match="OpenSSH public key format"):
        public_identity(text)


def test_the_files_the_shim_reads_follow_every_change(tmp_path: Path) -> None:
    keys = DeployKeys(tmp_path / "origin-keys")
    writer = keys.add("api", "ssh-ed25519 AAAAwriter", read_only=False, created_at=WHEN)
    reader = keys.add("ci", "ssh-ed25519 AAAAreader", read_only=True, created_at=WHEN)
    keys.authorize_user_key("operator-key")
    assert (writer.id, reader.id) == (101000001, 101000002)
    shim_files = tmp_path / "origin-keys"
    assert (shim_files / "authorized_keys").read_text() == "operator-key\nssh-ed25519 AAAAwriter\n"
    assert (shim_files / "read-only-keys").read_text() == "ssh-ed25519 AAAAreader\n"
    assert keys.may_push("ssh-ed25519 AAAAwriter") and not keys.may_push("ssh-ed25519 AAAAreader")
    with pytest.raises(WorldError, match="key is already in use"):
        keys.add("again", "ssh-ed25519 AAAAreader", read_only=False, created_at=WHEN)

    assert keys.delete(writer.id) and not keys.delete(writer.id)
    assert (shim_files / "authorized_keys").read_text() == "operator-key\n"
    assert keys.add("api", "ssh-ed25519 AAAAnew", False, WHEN).id == 101000003  # never reused
