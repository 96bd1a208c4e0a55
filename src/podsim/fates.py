"""Where each acknowledged write ended up: on origin, on a conflict branch, only in a live
pod's volume, or nowhere.

Writes are found by their `Write-Id` trailer, never by commit hash: reconcile's rebase
rewrites hashes but keeps messages. Branches are read from the ref files (podsim.gitrefs),
and the write ids a commit reaches are asked of git (`git log`) once per commit id and
process: a commit id names its whole history, so the answer never changes. Fates are read
after nearly every step of a page or an exploration, and the tips rarely move in between.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from podsim import gitrefs
from podsim.api.store import WRITE_ID_TRAILER
from podsim.errors import GitError
from podsim.gitenv import git_env
from podsim.state import Pod, WorldState

FATES = ("origin", "conflict-branch", "pod-only", "lost")
_TRAILER = re.compile(rf"^{WRITE_ID_TRAILER}: (\S+)$", re.MULTILINE)


def write_ids(gitdir: Path, env: dict[str, str], refs: str = "refs/heads/") -> set[str]:
    """Write ids on commits reachable from `refs`: one branch, or all under a prefix `.../`."""
    selector = f"--glob={refs}*" if refs.endswith("/") else refs
    # --ignore-missing: a branch that does not exist holds no writes (and is no error).
    argv = ["git", "--git-dir", str(gitdir), "log", "--format=%B", "--ignore-missing",
            selector, "--"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise GitError(f"{' '.join(argv)!r} exited {done.returncode}: {done.stderr.strip()}")
    return set(_TRAILER.findall(done.stdout))


# commit id -> the write ids on it and on every commit before it
_REACHES: dict[str, frozenset[str]] = {}


def write_ids_of(gitdir: Path, tip: str, env: dict[str, str]) -> frozenset[str]:
    """The write ids of `tip` and its ancestors in the repository `gitdir` (git is asked
    once per commit id in this process)."""
    found = _REACHES.get(tip)
    if found is None:
        argv = ["git", "--git-dir", str(gitdir), "log", "--format=%B", tip, "--"]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise GitError(f"{' '.join(argv)!r} exited {done.returncode}: "
                           f"{done.stderr.strip()}")
        found = _REACHES[tip] = frozenset(_TRAILER.findall(done.stdout))
    return found


def reached(gitdir: Path, env: dict[str, str], refs: str = "refs/heads/") -> set[str]:
    """Write ids on commits reachable from `refs` (one branch, or all under a prefix
    `.../`); a branch that does not exist holds none."""
    heads = gitrefs.branches(gitdir, refs if refs.endswith("/") else "refs/heads/")
    if heads is None:
        return write_ids(gitdir, env, refs)  # files of an unexpected shape: ask git
    tips = {sha for name, sha in heads.items() if refs.endswith("/") or name == refs}
    found: set[str] = set()
    for tip in sorted(tips):
        found |= write_ids_of(gitdir, tip, env)
    return found


def live_pods(state: WorldState) -> list[Pod]:
    """Pods whose volume an operator could still reach: on a Ready node, not failed."""
    ready = {n.name for n in state.nodes if n.ready}
    return [p for p in state.pods if p.node in ready and p.phase != "Failed"]


def classify(
    root: Path, state: WorldState, data_dir: Callable[[Pod], Path]
) -> dict[str, str]:
    """Write id -> fate, for every acknowledged write of the world (`data_dir`: where a
    pod's data repository lives in the world directory)."""
    env = git_env(root / "inspector-home")
    origin = root / "origin.git"
    on_origin = reached(origin, env, "refs/heads/published")
    on_conflicts = reached(origin, env, "refs/heads/conflicts/")
    in_pods: set[str] = set()
    for pod in live_pods(state):
        gitdir = data_dir(pod)
        # A clone killed mid-way has objects/ but no branches: nothing to find there.
        if (gitdir / "objects").is_dir():
            in_pods |= reached(gitdir, env)
    return fates_of_writes(state, on_origin, on_conflicts, in_pods)


def fates_of_writes(state: WorldState, on_origin: set[str] | frozenset[str],
                    on_conflicts: set[str] | frozenset[str],
                    in_pods: set[str] | frozenset[str]) -> dict[str, str]:
    """Write id -> fate from the write ids each place reaches, the first place that has a
    write winning (origin, then a conflict branch, then a pod)."""
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
