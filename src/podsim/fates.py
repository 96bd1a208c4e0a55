"""Where each acknowledged write ended up: on origin, on a conflict branch, only in a live
pod's volume, or nowhere.

Writes are found by their `Write-Id` trailer, never by commit hash: reconcile's rebase
rewrites hashes but keeps messages.
"""

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import git

from podsim.api.store import WRITE_ID_TRAILER
from podsim.gitenv import git_env
from podsim.state import Pod, WorldState

FATES = ("origin", "conflict-branch", "pod-only", "lost")
_TRAILER = re.compile(rf"^{WRITE_ID_TRAILER}: (\S+)$", re.MULTILINE)


def write_ids(repo: git.Repo, refs: str = "refs/heads/") -> set[str]:
    """Write ids on commits reachable from `refs`: one branch, or all under a prefix `.../`."""
    heads = [
        h for h in repo.heads if h.path == refs or (refs.endswith("/") and h.path.startswith(refs))
    ]
    return {
        write_id
        for head in heads
        for commit in repo.iter_commits(head)
        for write_id in _TRAILER.findall(str(commit.message))
    }


def live_pods(state: WorldState) -> list[Pod]:
    """Pods whose volume an operator could still reach: on a Ready node, not failed."""
    ready = {n.name for n in state.nodes if n.ready}
    return [p for p in state.pods if p.node in ready and p.phase != "Failed"]


def classify(
    root: Path, state: WorldState, data_dir: Callable[[Pod], Path]
) -> dict[str, str]:
    """Write id -> fate, for every acknowledged write of the world (`data_dir`: where a
    pod's data repository lives in the world directory)."""
    home = root / "inspector-home"
    origin = root / "origin.git"
    with _open(origin, home) as repo:
        on_origin = write_ids(repo, "refs/heads/published")
        on_conflicts = write_ids(repo, "refs/heads/conflicts/")
    in_pods: set[str] = set()
    for pod in live_pods(state):
        gitdir = data_dir(pod)
        # A clone killed mid-way has objects/ but no branches: nothing to find there.
        if (gitdir / "objects").is_dir():
            with _open(gitdir, home) as repo:
                in_pods |= write_ids(repo)
    fates = {}
    for write in state.writes:
        if write.id in on_origin:
            fates[write.id] = "origin"
        elif write.id in on_conflicts:
            fates[write.id] = "conflict-branch"
        elif write.id in in_pods:
            fates[write.id] = "pod-only"
        else:
            fates[write.id] = "lost"
    return fates


@contextlib.contextmanager
def _open(gitdir: Path, home: Path) -> Iterator[git.Repo]:
    # GitPython keeps `git cat-file` helpers running; close them with the repository.
    repo = git.Repo(gitdir)
    repo.git.update_environment(**git_env(home))
    try:
        yield repo
    finally:
        repo.close()

