"""Finding writes by their Write-Id trailer on the branches a fate names, with real git."""

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podsim.errors import GitError
from podsim.fast_import import commit_files
from podsim.fates import write_ids
from podsim.gitenv import git_env
from podsim.origin import Origin

SEEDED_AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
WHO = ("Writer", "writer@example.org")


def _commit(origin: Origin, branch: str, write_id: str, parent: str | None) -> str:
    commit_files(origin.git_dir, git_env(origin.world_dir / "home"), branch, SEEDED_AT,
                 {f"{write_id}.toml": write_id}, f"Update {write_id}\n\nWrite-Id: {write_id}",
                 WHO, parent)
    return origin.tip(branch)


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    return Origin.create(tmp_path / "world", random.Random(3), SEEDED_AT)


def test_one_branch_or_every_branch_under_a_prefix(origin: Origin) -> None:
    env = git_env(origin.world_dir / "home")
    seed = origin.tip()
    published = _commit(origin, "published", "w-0001", seed)
    _commit(origin, "conflicts/a", "w-0002", published)
    _commit(origin, "conflicts/b", "w-0003", seed)
    _commit(origin, "other", "w-0004", seed)
    assert write_ids(origin.git_dir, env, "refs/heads/published") == {"w-0001"}
    assert write_ids(origin.git_dir, env, "refs/heads/conflicts/") == {
        "w-0001", "w-0002", "w-0003"}
    assert write_ids(origin.git_dir, env) == {"w-0001", "w-0002", "w-0003", "w-0004"}


def test_a_missing_branch_holds_no_writes(origin: Origin) -> None:
    env = git_env(origin.world_dir / "home")
    assert write_ids(origin.git_dir, env, "refs/heads/gone") == set()
    assert write_ids(origin.git_dir, env, "refs/heads/conflicts/") == set()


def test_a_broken_repository_is_a_git_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository"):
        write_ids(tmp_path, git_env(tmp_path / "home"))


def test_write_ids_are_asked_of_git_once_per_tip(origin: Origin,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from podsim import fates

    env = git_env(origin.world_dir / "home")
    logs: list[list[str]] = []
    real = fates.subprocess.run

    def counted(argv: list[str], **kwargs: object) -> object:
        if "log" in argv:
            logs.append(argv)
        return real(argv, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(fates.subprocess, "run", counted)
    first = _commit(origin, "published", "w-0101", origin.tip())
    assert fates.reached(origin.git_dir, env, "refs/heads/published") == {"w-0101"}
    assert fates.reached(origin.git_dir, env, "refs/heads/published") == {"w-0101"}
    assert len(logs) == 1  # the tip did not move: git is not asked again
    _commit(origin, "published", "w-0102", first)
    assert fates.reached(origin.git_dir, env, "refs/heads/published") == {"w-0101", "w-0102"}
    assert len(logs) == 2
    assert fates.reached(origin.git_dir, env, "refs/heads/conflicts/") == set()
