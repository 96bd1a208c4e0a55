"""The ssh shim admits a key only when it is a whole line of origin's authorized_keys, as
`grep -qxF` decided before the shim matched lines itself."""

import random
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podsim.gitenv import git_env
from podsim.origin import ORIGIN_URL, Origin


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    return Origin.create(tmp_path / "world", random.Random(5), datetime(2026, 7, 1, tzinfo=UTC))


def ls_remote(tmp_path: Path, origin: Origin, key: str) -> subprocess.CompletedProcess[str]:
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n")
    env = git_env(tmp_path / "home", GIT_SSH_COMMAND=origin.ssh_command(key_file))
    return subprocess.run(["git", "ls-remote", ORIGIN_URL], env=env, capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize("key", ["podsim-deploy-key", "podsim-deploy-key-1 ",
                                 " podsim-deploy-key-1", "deploy-key-1", "podsim-deploy-key-"])
def test_part_of_a_listed_key_is_denied(tmp_path: Path, origin: Origin, key: str) -> None:
    assert origin.deploy_key() == "podsim-deploy-key-1"
    denied = ls_remote(tmp_path, origin, key)
    assert "Permission denied (publickey)" in denied.stderr


def test_every_listed_line_admits_its_key_even_without_a_final_newline(
        tmp_path: Path, origin: Origin) -> None:
    origin.authorized_keys.write_text("operator key\npodsim-deploy-key-1")
    assert "refs/heads/published" in ls_remote(tmp_path, origin, "podsim-deploy-key-1").stdout
    assert "refs/heads/published" in ls_remote(tmp_path, origin, "operator key").stdout


def test_no_authorized_keys_file_denies_quietly(tmp_path: Path, origin: Origin) -> None:
    origin.authorized_keys.unlink()
    denied = ls_remote(tmp_path, origin, "podsim-deploy-key-1")
    assert denied.stderr.splitlines()[0] == "git@github.com: Permission denied (publickey)."
