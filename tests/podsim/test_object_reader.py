"""One long-lived cat-file per repository answers object questions as git does."""

import subprocess
from pathlib import Path

import pytest

from podsim import object_reader
from podsim.gitenv import git_env


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return git_env(tmp_path / "home", GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@x",
                   GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@x")


def git(env: dict[str, str], gitdir: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run(["git", "--git-dir", str(gitdir), *args], env=env, input=stdin,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def repo_with_file(env: dict[str, str], gitdir: Path, text: str) -> str:
    subprocess.run(["git", "init", "-q", "--bare", str(gitdir)], env=env, check=True)
    blob = git(env, gitdir, "hash-object", "-w", "--stdin", stdin=text)
    sub = git(env, gitdir, "mktree", stdin=f"100644 blob {blob}\tpeople.toml\n")
    tree = git(env, gitdir, "mktree", stdin=f"040000 tree {sub}\t.gitsheets\n")
    return git(env, gitdir, "commit-tree", tree, "-m", "seed")


def test_types_and_contents_are_gits(tmp_path: Path, env: dict[str, str]) -> None:
    gitdir = tmp_path / "a.git"
    commit = repo_with_file(env, gitdir, "root = 'people'\n")
    reader = object_reader.reader(gitdir, env)
    tree = reader.info(f"{commit}^{{tree}}")
    assert tree is not None and tree[:2] == (git(env, gitdir, "rev-parse", f"{commit}^{{tree}}"),
                                             "tree")
    assert (reader.info(f"{commit}:.gitsheets") or ("", ""))[1] == "tree"
    assert reader.read(f"{commit}:.gitsheets/people.toml") == ("blob", b"root = 'people'\n")
    assert reader.info(f"{commit}:nothing") is None
    assert reader.read("0" * 40) is None


def test_an_object_written_later_is_found(tmp_path: Path, env: dict[str, str]) -> None:
    gitdir = tmp_path / "a.git"
    repo_with_file(env, gitdir, "a\n")
    reader = object_reader.reader(gitdir, env)
    assert reader.info("0" * 40) is None  # the reader is running
    later = repo_with_file(env, tmp_path / "b.git", "b\n")
    git(env, gitdir, "fetch", "-q", str(tmp_path / "b.git"), f"{later}:refs/heads/b")
    assert object_reader.reader(gitdir, env) is reader
    assert reader.read(f"{later}:.gitsheets/people.toml") == ("blob", b"b\n")


def test_at_most_max_readers_stay_open(tmp_path: Path, env: dict[str, str]) -> None:
    readers = []
    for n in range(object_reader.MAX_READERS + 1):
        gitdir = tmp_path / f"r{n}.git"
        repo_with_file(env, gitdir, f"{n}\n")
        readers.append(object_reader.reader(gitdir, env))
    assert not readers[0].alive()  # the least recently used was closed
    assert all(r.alive() for r in readers[1:])
    object_reader.close_all()
    assert not any(r.alive() for r in readers)
