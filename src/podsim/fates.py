"""Where each acknowledged write ended up: on origin, on a conflict branch, only in a live
pod's volume, or nowhere.

Writes are found by their `Write-Id` trailer, never by commit hash: reconcile's rebase
rewrites hashes but keeps messages.
"""

import subprocess
from collections import Counter
from pathlib import Path

from podsim.api.store import WRITE_ID_TRAILER
from podsim.gitenv import git_env
from podsim.state import Pod, WorldState

FATES = ("origin", "conflict-branch", "pod-only", "lost")


def write_ids(gitdir: Path, refs: list[str], home: Path) -> set[str]:
    """Write ids carried by commits reachable from `refs` in the repository at `gitdir`."""
    if not refs:
        return set()
    done = subprocess.run(
        ["git", "log", f"--format=%(trailers:key={WRITE_ID_TRAILER},valueonly)", *refs, "--"],
        cwd=gitdir,
        env=git_env(home),
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.strip() for line in done.stdout.splitlines() if line.strip()}


def branches(gitdir: Path, home: Path, pattern: str = "refs/heads/") -> list[str]:
    done = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname)", pattern],
        cwd=gitdir,
        env=git_env(home),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def live_pods(state: WorldState) -> list[Pod]:
    """Pods whose volume an operator could still reach: on a Ready node, not failed."""
    ready = {n.name for n in state.nodes if n.ready}
    return [p for p in state.pods if p.node in ready and p.phase != "Failed"]


def classify(root: Path, state: WorldState, data_volume: str = "data") -> dict[str, str]:
    """Write id -> fate, for every acknowledged write of the world."""
    home = root / "inspector-home"
    origin = root / "origin.git"
    on_origin = write_ids(origin, ["refs/heads/published"], home)
    on_conflicts = write_ids(origin, branches(origin, home, "refs/heads/conflicts/"), home)
    in_pods: set[str] = set()
    for pod in live_pods(state):
        gitdir = root / pod.volumes[data_volume]
        # A clone killed mid-way has objects/ but no branches: nothing to find there.
        if (gitdir / "objects").is_dir():
            in_pods |= write_ids(gitdir, branches(gitdir, home), home)
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


def counts(fates: dict[str, str]) -> dict[str, int]:
    tally = Counter(fates.values())
    return {fate: tally.get(fate, 0) for fate in FATES}

