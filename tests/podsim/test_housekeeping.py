"""No git housekeeping children in a world: fetches and received pushes fork no
`maintenance run --auto` or `gc --auto` (traced with GIT_TRACE2, real git)."""

import random
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from podsim.gitenv import git_env, skip_housekeeping
from podsim.origin import ORIGIN_URL, Origin
from podsim.world import World

SEEDED_AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def _started(trace: Path) -> list[str]:
    """The argv of every git process the trace saw start, children included."""
    lines = trace.read_text().splitlines() if trace.exists() else []
    return [line.split(" start ", 1)[1] for line in lines if " start " in line]


def test_fetch_and_received_push_fork_no_housekeeping(tmp_path: Path) -> None:
    origin = Origin.create(tmp_path / "world", random.Random(1), SEEDED_AT)
    home, trace = tmp_path / "home", tmp_path / "trace2.log"
    home.mkdir()
    skip_housekeeping(home / ".gitconfig")
    env = git_env(home, GIT_SSH_COMMAND=origin.ssh_command(), GIT_AUTHOR_NAME="Pod",
                  GIT_AUTHOR_EMAIL="pod@example.org", GIT_COMMITTER_NAME="Pod",
                  GIT_COMMITTER_EMAIL="pod@example.org")
    clone = tmp_path / "clone"

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(clone), *args], env={**env, "GIT_TRACE2": str(trace)},
                       check=True, capture_output=True)

    subprocess.run(["git", "clone", "-q", ORIGIN_URL, str(clone)], env=env, check=True)
    (clone / "note.txt").write_text("hello\n")
    git("add", "note.txt")
    git("commit", "-qm", "note")
    git("push", "-q", "origin", "HEAD")
    git("fetch", "-q", "origin")
    started = _started(trace)
    assert any("receive-pack" in argv for argv in started)
    assert any("upload-pack" in argv for argv in started)
    assert not [argv for argv in started if " gc " in argv or " maintenance " in argv]


def test_a_container_starts_with_quiet_global_git_config(tmp_path: Path) -> None:
    world = World.create(tmp_path / "world")
    pod = world.pod()
    home = world.root / "containers" / pod.name / str(pod.container.instance)
    config = subprocess.run(["git", "config", "--global", "--get", "maintenance.auto"],
                            env=git_env(home), capture_output=True, text=True, check=True)
    assert config.stdout == "false\n"
