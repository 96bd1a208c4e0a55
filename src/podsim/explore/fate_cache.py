"""Write fates as `World.fates()` computes them, without a git process per look.

Fates are read thousands of times in one exploration (at every crash point, after every
faulted run). Which write ids a commit reaches depends on that commit alone (its hash names
its whole history), so they are cached by commit; refs are read from the repository's files.
A repository needs git only the first time one of its tips is seen in this process.
"""

from pathlib import Path

from podsim import fates as fates_module
from podsim.errors import GitError
from podsim.explore.refs import PUBLISHED, refs
from podsim.fates import fates_of_writes, live_pods
from podsim.world import World


class Unreadable(Exception):
    """A tip git could not walk (a clone killed half-way): ask World.fates() instead."""


def fates(world: World) -> dict[str, str]:
    """Write id -> origin | conflict-branch | pod-only | lost, equal to `world.fates()`."""
    try:
        return _classify(world)
    except Unreadable:
        return world.fates()


def write_ids_of(gitdir: Path, tip: str, env: dict[str, str]) -> frozenset[str]:
    """The write ids of `tip` and every commit before it, in the repository `gitdir`
    (podsim.fates' cache by commit id, shared with `World.fates()`)."""
    try:
        return fates_module.write_ids_of(gitdir, tip, env)
    except GitError as error:
        raise Unreadable(str(error)) from None


def _classify(world: World) -> dict[str, str]:
    env = world.pod_git_env()
    origin = world.origin.git_dir
    origin_refs = refs(origin)
    on_origin = _reached(origin, [origin_refs.get(PUBLISHED, "")], env)
    on_conflicts = _reached(origin, [sha for name, sha in origin_refs.items()
                                     if name.startswith("refs/heads/conflicts/")], env)
    in_pods: set[str] = set()
    for pod in live_pods(world.state):
        gitdir = world.data_dir(pod)
        if (gitdir / "objects").is_dir():
            in_pods |= _reached(gitdir, [sha for name, sha in refs(gitdir).items()
                                         if name.startswith("refs/heads/")], env)
    return fates_of_writes(world.state, on_origin, on_conflicts, in_pods)


def _reached(gitdir: Path, tips: list[str], env: dict[str, str]) -> set[str]:
    found: set[str] = set()
    for tip in tips:
        if tip:
            found |= write_ids_of(gitdir, tip, env)
    return found
