"""Copying and removing world directories, the explorer's hottest file work.

Every faulted run starts from a copy of a snapshot and ends by removing it: a world is a
hundred-odd small files and directories, so `shutil.copytree` and `shutil.rmtree` cost more
in their per-entry Python than in the file system. These walk with one `os.scandir` per
directory and do only what a world needs.
"""
# os calls on str paths on purpose: pathlib's cost per call is what this module avoids.
# ruff: noqa: PTH101, PTH102, PTH106, PTH108, PTH115, PTH116, PTH118, PTH211, PTH123

import os
import stat
from pathlib import Path

# Never copied: the lock belongs to the world being copied, not to its copy.
_SKIPPED = "world.lock"


def copy_world(src: Path, dest: Path) -> Path:
    """A copy of the world directory `src` at `dest` (which must not exist).

    Git never changes an object file in place (it writes new ones), so files under an
    `objects` directory are hard links to the source's, which costs nothing; every other
    file is copied with its mode and times, symbolic links stay links, and directories keep
    their mode."""
    _copy_dir(os.fspath(src), os.fspath(dest), False, stat.S_IMODE(os.stat(src).st_mode))
    return dest


def _copy_dir(src: str, dest: str, in_objects: bool, mode: int) -> None:
    os.mkdir(dest)
    with os.scandir(src) as entries:
        for entry in entries:
            target = os.path.join(dest, entry.name)
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.is_dir():
                _copy_dir(entry.path, target, in_objects or entry.name == "objects",
                          stat.S_IMODE(entry.stat().st_mode))
            elif entry.name == _SKIPPED:
                continue
            elif not (in_objects and _linked(entry.path, target)):
                _copy_file(entry, target)
    os.chmod(dest, mode)  # last, so a read-only directory is filled first; not mkdir's mode
    # argument, which the umask would cut


def _linked(src: str, dest: str) -> bool:
    try:
        os.link(src, dest)
    except OSError:  # another file system: copy after all
        return False
    return True


def _copy_file(entry: os.DirEntry[str], dest: str) -> None:
    with open(entry.path, "rb") as source, open(dest, "wb") as copy:
        copy.write(source.read())  # world files are small: one read, one write
    info = entry.stat()
    os.chmod(dest, stat.S_IMODE(info.st_mode))
    os.utime(dest, ns=(info.st_atime_ns, info.st_mtime_ns))


def remove_world(root: Path) -> None:
    """Remove a world directory and everything in it (links are removed, not followed)."""
    _remove_dir(os.fspath(root))


def _remove_dir(path: str) -> None:
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _remove_dir(entry.path)
            else:
                os.unlink(entry.path)
    os.rmdir(path)
