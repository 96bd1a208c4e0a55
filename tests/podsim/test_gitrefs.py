"""Refs read from git's files give git's own answer, or no answer at all."""

import subprocess
from pathlib import Path

import pytest

from podsim import gitrefs
from podsim.gitenv import git_env


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    gitdir = tmp_path / "repo.git"
    env = git_env(tmp_path / "home", GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@x",
                  GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@x")
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=published", str(gitdir)],
                   env=env, check=True)
    return gitdir


def git(gitdir: Path, *args: str) -> str:
    env = git_env(gitdir.parent / "home", GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@x",
                  GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@x")
    done = subprocess.run(["git", "--git-dir", str(gitdir), *args], env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(gitdir: Path, message: str) -> str:
    tree = git(gitdir, "mktree")
    return git(gitdir, "commit-tree", tree, "-m", message)


def test_loose_refs_win_over_packed_ones_as_in_git(repo: Path) -> None:
    first, second = commit(repo, "one"), commit(repo, "two")
    git(repo, "update-ref", "refs/heads/published", first)
    git(repo, "update-ref", "refs/remotes/origin/published", first)
    git(repo, "pack-refs", "--all")
    assert not (repo / "refs" / "heads" / "published").exists()
    git(repo, "update-ref", "refs/heads/published", second)  # loose again, newer
    for name in ("HEAD", "published", "refs/heads/published", "origin/published"):
        assert gitrefs.resolve(repo, name) == git(repo, "rev-parse", "--verify", name), name
    assert gitrefs.resolve(repo, "HEAD") == second
    assert gitrefs.resolve(repo, "origin/published") == first


def test_a_short_name_follows_gits_order(repo: Path) -> None:
    head, tag = commit(repo, "head"), commit(repo, "tag")
    git(repo, "update-ref", "refs/heads/x", head)
    git(repo, "update-ref", "refs/tags/x", tag)
    assert gitrefs.resolve(repo, "x") == git(repo, "rev-parse", "x") == tag


def test_what_the_files_cannot_say_is_left_to_git(repo: Path) -> None:
    assert gitrefs.resolve(repo, "HEAD") is None  # unborn branch
    assert gitrefs.resolve(repo, "nothing") is None
    git(repo, "update-ref", "refs/heads/published", commit(repo, "one"))
    (repo / "published").write_text("not a ref\n")  # git's first rule would look here
    assert gitrefs.resolve(repo, "published") is None
    assert gitrefs.resolve(repo, "HEAD^") is None  # not a ref name
    assert gitrefs.resolve(repo, "refs/heads/../HEAD") is None


def test_branches_are_for_each_refs_list(repo: Path) -> None:
    one, two = commit(repo, "one"), commit(repo, "two")
    git(repo, "update-ref", "refs/heads/published", one)
    git(repo, "update-ref", "refs/heads/conflicts/b", two)
    git(repo, "pack-refs", "--all")
    git(repo, "update-ref", "refs/heads/conflicts/a", one)
    listed = git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/")
    assert gitrefs.branches(repo) == dict(line.split() for line in listed.splitlines())
    assert list(gitrefs.branches(repo, "refs/heads/conflicts/") or {}) == [
        "refs/heads/conflicts/a", "refs/heads/conflicts/b"]
    assert gitrefs.symbolic_target(repo) == "refs/heads/published"
