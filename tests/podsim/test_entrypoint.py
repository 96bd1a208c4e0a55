"""deploy/docker/entrypoint.sh, run for real with the POSIX sh the kubelet uses (BusyBox's
if installed, else dash; the image has BusyBox and no bash) against an origin world."""

import random
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podsim.gitenv import git_env
from podsim.image import entrypoint_shell
from podsim.origin import ORIGIN_URL, Origin

ENTRYPOINT = Path(__file__).resolve().parents[2] / "deploy" / "docker" / "entrypoint.sh"


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    return Origin.create(tmp_path / "world", random.Random(4), datetime(2026, 7, 1, tzinfo=UTC))


@pytest.fixture
def volume(tmp_path: Path) -> Path:
    return tmp_path / "world" / "volumes" / "data"


def container_env(tmp_path: Path, origin: Origin, volume: Path, **overrides: str,
                  ) -> dict[str, str]:
    """The ConfigMap's variables as the simulator sets them; a key set to "" is dropped."""
    home = tmp_path / "container-home"
    home.mkdir(exist_ok=True)
    env = git_env(home, CFP_DATA_REPO_PATH=str(volume),
                  CFP_DATA_BRANCH="published", CFP_DATA_REMOTE=ORIGIN_URL,
                  GIT_SSH_COMMAND=origin.ssh_command())
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def start(env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    """One container start: the entrypoint, then the command it execs."""
    return subprocess.run([*entrypoint_shell(), str(ENTRYPOINT), *(command or ("true",))],
                          env=env, capture_output=True, text=True)


def git_in(volume: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "--git-dir", str(volume), *args], env=env,
                          capture_output=True, text=True)


def test_first_start_makes_a_bare_clone_without_a_fetch_refspec(
        tmp_path: Path, origin: Origin, volume: Path) -> None:
    env = container_env(tmp_path, origin, volume)
    started = start(env, "git", "--git-dir", str(volume), "rev-parse", "HEAD")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == origin.tip()
    assert "[entrypoint] cloning git@github.com:CodeForPhilly/codeforphilly-data.git" \
           in started.stderr
    assert git_in(volume, env, "config", "core.bare").stdout == "true\n"
    assert git_in(volume, env, "symbolic-ref", "HEAD").stdout == "refs/heads/published\n"
    assert git_in(volume, env, "config", "remote.origin.url").stdout == ORIGIN_URL + "\n"
    assert git_in(volume, env, "config", "--get-all", "remote.origin.fetch").returncode == 1
    assert git_in(volume, env, "for-each-ref", "refs/remotes").stdout == ""
    assert git_in(volume, env, "config", "user.email").stdout == \
           "api@users.noreply.codeforphilly.org\n"
    global_config = (tmp_path / "container-home" / ".gitconfig").read_text()
    assert f"directory = {volume}" in global_config


def test_identity_defaults_apply_only_when_unset(tmp_path: Path, origin: Origin,
                                                 volume: Path) -> None:
    show = ("sh", "-c", 'echo "$GIT_AUTHOR_NAME|$GIT_AUTHOR_EMAIL|$GIT_COMMITTER_NAME|'
                        '$GIT_COMMITTER_EMAIL"')
    defaults = start(container_env(tmp_path, origin, volume), *show)
    assert defaults.stdout == ("CodeForPhilly API|api@users.noreply.codeforphilly.org|"
                               "CodeForPhilly API|api@users.noreply.codeforphilly.org\n")
    configured = container_env(tmp_path, origin, volume, GIT_AUTHOR_NAME="CodeForPhilly API",
                               GIT_AUTHOR_EMAIL="api@codeforphilly.org")
    assert start(configured, *show).stdout == ("CodeForPhilly API|api@codeforphilly.org|"
                                               "CodeForPhilly API|api@codeforphilly.org\n")
    assert git_in(volume, configured, "config", "user.email").stdout == \
           "api@codeforphilly.org\n"


def test_repo_path_is_required(tmp_path: Path, origin: Origin, volume: Path) -> None:
    started = start(container_env(tmp_path, origin, volume, CFP_DATA_REPO_PATH=""))
    assert started.returncode == 2  # ash-family shells (dash, BusyBox) exit 2; bash exits 1
    assert "CFP_DATA_REPO_PATH must be set" in started.stderr


def test_no_remote_and_no_repository_refuses(tmp_path: Path, origin: Origin,
                                             volume: Path) -> None:
    started = start(container_env(tmp_path, origin, volume, CFP_DATA_REMOTE=""))
    assert started.returncode == 1
    assert "CFP_DATA_REMOTE is unset" in started.stderr
    assert not volume.exists()


def test_a_non_bare_clone_is_refused_and_kept(tmp_path: Path, origin: Origin,
                                              volume: Path) -> None:
    (volume / ".git").mkdir(parents=True)
    (volume / "people.toml").write_text("unpushed work\n")
    started = start(container_env(tmp_path, origin, volume))
    assert started.returncode == 1
    assert "contains a non-bare clone" in started.stderr
    assert (volume / "people.toml").read_text() == "unpushed work\n"


def test_residue_is_wiped_before_cloning(tmp_path: Path, origin: Origin, volume: Path) -> None:
    (volume / "lost+found").mkdir(parents=True)
    (volume / "lost+found" / "junk").write_text("x")
    (volume / ".partial").write_text("x")
    env = container_env(tmp_path, origin, volume)
    started = start(env)
    assert started.returncode == 0, started.stderr
    assert "not empty but holds no bare repository; removing its contents" in started.stderr
    assert not (volume / "lost+found").exists()
    assert not (volume / ".partial").exists()
    assert git_in(volume, env, "rev-parse", "HEAD").stdout.strip() == origin.tip()


def test_an_existing_repository_skips_the_clone(tmp_path: Path, origin: Origin,
                                                volume: Path) -> None:
    env = container_env(tmp_path, origin, volume)
    assert start(env).returncode == 0
    git_in(volume, env, "remote", "set-url", "origin", "git@github.com:someone/else.git")
    origin.set_network(up=False)  # a clone attempt would now fail
    restarted = start(env)
    assert restarted.returncode == 0, restarted.stderr
    assert "skipping clone" in restarted.stderr
    assert git_in(volume, env, "config", "remote.origin.url").stdout == ORIGIN_URL + "\n"


def test_a_failed_clone_leaves_nothing_so_the_next_start_retries(
        tmp_path: Path, origin: Origin, volume: Path) -> None:
    env = container_env(tmp_path, origin, volume)
    origin.set_network(up=False)
    failed = start(env)
    assert failed.returncode == 128
    assert "Network is unreachable" in failed.stderr
    assert not (volume / "objects").exists()
    origin.set_network(up=True)
    assert start(env).returncode == 0


def test_an_interrupted_clone_crash_loops_on_a_headless_repository(
        tmp_path: Path, origin: Origin, volume: Path) -> None:
    env = container_env(tmp_path, origin, volume)
    origin.interrupt_next_clone(on=True)
    killed = start(env)
    assert killed.returncode == 128 + 9  # bash reports its SIGKILLed git child, set -e exits
    assert (volume / "objects").is_dir()
    # The next container start trusts objects/ and hands a repository without HEAD to the API.
    restarted = start(env, "git", "--git-dir", str(volume), "rev-parse", "HEAD")
    assert "skipping clone" in restarted.stderr
    assert restarted.returncode == 128
    assert "ambiguous argument 'HEAD'" in restarted.stderr


def test_the_entrypoint_is_a_posix_sh_script_run_without_bash() -> None:
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")  # the image's BusyBox sh
    shell = Path(entrypoint_shell()[0]).name
    assert shell in ("busybox", "dash"), entrypoint_shell()
