"""Whether a verification report still describes the checkout as it is now.

A run records the checkout's content as it started (`summary.checkout`: the git tree id of
the working tree, tracked and untracked files, ignored ones left out) and whether it ran
every block of every page under the page roots (`summary.every_block`). A report is fresh
when its run finished, covered every block, and the checkout's content is still exactly
that: `nox -s serve` then serves it instead of running every page again.

    python -m docproof.freshness REPORT    prints "fresh" or "stale: <why>"
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def checkout_tree(root: Path) -> str | None:
    """The git tree id of the working tree at `root` (every file not ignored, as it is on
    disk), or None outside a git checkout. The real index is left untouched: a copy of it
    is updated, so unchanged files are not read again."""
    index = _git(root, "rev-parse", "--path-format=absolute", "--git-path", "index")
    if index is None:
        return None
    with tempfile.TemporaryDirectory(prefix="docproof-tree-") as scratch:
        copy = Path(scratch) / "index"
        if Path(index).is_file():
            shutil.copyfile(index, copy)
        env = {**os.environ, "GIT_INDEX_FILE": str(copy)}
        if _git(root, "add", "-A", env=env) is None:
            return None
        return _git(root, "write-tree", env=env)


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str | None:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          env=env, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def staleness(report_path: Path, root: Path) -> str | None:
    """Why the report at `report_path` does not describe the checkout at `root` now, or
    None when it does (complete, every block, the same content)."""
    try:
        summary = json.loads(report_path.read_text(encoding="utf-8"))["summary"]
    except FileNotFoundError:
        return "no report yet"
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"unreadable report ({error})"
    if summary.get("complete") is not True:
        return "its run did not finish"
    if summary.get("every_block") is not True:
        return "its run did not cover every block of every page"
    recorded = summary.get("checkout")
    if not recorded:
        return "it does not record the checkout it verified"
    if recorded != checkout_tree(root):
        return "the checkout changed since"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m docproof.freshness REPORT", file=sys.stderr)
        return 2
    why = staleness(Path(argv[0]), Path.cwd())
    print("fresh" if why is None else f"stale: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
