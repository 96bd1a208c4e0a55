"""The explorer's world copies: what a faulted run starts from must equal the snapshot, and
must not write through to it."""

import os
import stat
from pathlib import Path

from podsim.explore.world_copy import copy_world, remove_world


def _tree(root: Path) -> dict[str, tuple[int, int, bytes | str]]:
    """Every entry under `root`: (mode, mtime for files, content or link target)."""
    found: dict[str, tuple[int, int, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            found[str(path.relative_to(root))] = (info.st_mode, 0, str(path.readlink()))
        elif path.is_dir():
            found[str(path.relative_to(root))] = (info.st_mode, 0, b"")
        else:
            found[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns,
                                                  path.read_bytes())
    return found


def _world(root: Path) -> Path:
    (root / "origin.git" / "objects" / "ab").mkdir(parents=True)
    (root / "origin.git" / "objects" / "ab" / "cdef").write_bytes(b"object")
    (root / "origin.git" / "objects" / "ab" / "cdef").chmod(0o444)
    (root / "origin.git" / "hooks").mkdir()
    (root / "origin.git" / "hooks" / "pre-receive").write_text("#!/bin/sh\n")
    (root / "origin.git" / "hooks" / "pre-receive").chmod(0o755)
    (root / "origin.git" / "FETCH_HEAD").write_text("abc\n")
    (root / "private").mkdir(mode=0o700)
    (root / "private" / "key").write_text("secret\n")
    (root / "link").symlink_to("origin.git/FETCH_HEAD")
    (root / "world.json").write_text("{}")
    (root / "world.lock").touch()
    os.utime(root / "world.json", ns=(1_000_000_000, 2_000_000_000))
    return root


def test_a_copy_equals_its_source_but_for_the_lock(tmp_path: Path) -> None:
    source = _world(tmp_path / "source")
    copy = copy_world(source, tmp_path / "copy")
    expected = {k: v for k, v in _tree(source).items() if k != "world.lock"}
    assert _tree(copy) == expected
    assert not (copy / "world.lock").exists()


def test_objects_are_shared_and_every_other_file_is_its_own(tmp_path: Path) -> None:
    source = _world(tmp_path / "source")
    copy = copy_world(source, tmp_path / "copy")
    obj = Path("origin.git/objects/ab/cdef")
    assert (copy / obj).stat().st_ino == (source / obj).stat().st_ino
    (copy / "origin.git" / "FETCH_HEAD").write_text("changed in place\n")  # git does this
    assert (source / "origin.git" / "FETCH_HEAD").read_text() == "abc\n"


def test_removing_a_copy_leaves_what_its_links_point_at(tmp_path: Path) -> None:
    source = _world(tmp_path / "source")
    copy = copy_world(source, tmp_path / "copy")
    (copy / "outside").symlink_to(source, target_is_directory=True)
    before = _tree(source)
    remove_world(copy)
    assert not copy.exists()
    assert _tree(source) == before
