"""The kubectl look-alike (`podsim-kubectl`) as it was before issue 11 deleted it, runnable.

The last commit that had `src/podsim/kubectl/` is found in this repository's history and its
`src/` and `deploy/` are extracted with `git archive` into a scratch folder. That tree's own
podsim creates the world the look-alike reads (world formats may have changed since), and
each call runs the look-alike's entry point in a fresh interpreter with only that tree on
the import path, as its console script did.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GONE = "src/podsim/kubectl"

# Run by the old tree's interpreter: a fresh world, 65 s on, and a kubeconfig bound to it.
_PREPARE = """\
import sys
from pathlib import Path
import podsim
from podsim.kubectl.config import write_kubeconfig
from podsim.world import World
tree = Path(sys.argv[3]).resolve()
if not Path(podsim.__file__).resolve().is_relative_to(tree):
    raise SystemExit(f"imported podsim from {podsim.__file__}, not the old tree {tree}")
world = World.create(Path(sys.argv[1]))
world.advance(65)
write_kubeconfig(Path(sys.argv[2]), world.root, world.manifest.namespace)
"""
_CALL = "import sys; from podsim.kubectl.main import main; sys.exit(main())"


def _git(*args: str) -> bytes:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                          check=True).stdout


def last_commit_with_lookalike() -> str:
    """The parent of the commit that deleted the look-alike."""
    deleted = _git("log", "--diff-filter=D", "--format=%H", "-1", "--", GONE).decode().strip()
    if not deleted:
        raise LookupError(f"no commit in this repository's history deleted {GONE}")
    return _git("rev-parse", f"{deleted}^").decode().strip()


class LookAlike:
    """The old tree in `scratch`, a world it created, and a kubeconfig naming that world."""

    def __init__(self, scratch: Path) -> None:
        self.commit = last_commit_with_lookalike()
        self.tree = scratch / "tree"
        self.tree.mkdir(parents=True)
        archive = _git("archive", "--format=tar", self.commit, "src", "deploy")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(self.tree, filter="data")
        self.home = scratch / "home"
        self.home.mkdir()
        self.env = {"HOME": str(self.home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "PYTHONPATH": str(self.tree / "src"),
                    "KUBECONFIG": str(self.home / "lookalike.yaml")}
        subprocess.run([sys.executable, "-c", _PREPARE, str(scratch / "world"),
                        self.env["KUBECONFIG"], str(self.tree)],
                       env=self.env, capture_output=True, text=True, check=True)

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-c", _CALL, *args]
