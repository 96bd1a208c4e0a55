"""Objects read through one long-lived `git cat-file --batch-command` per repository.

Opening the store reads HEAD's tree and the type of `.gitsheets`, and every write reads its
sheet's config blob: questions about objects, which never change once written. One
`cat-file` per repository answers them all without a process each. Only object names are
asked (`<sha>^{tree}`, `<sha>:<path>`), never ref names, so nothing the reader may have
cached can be stale; an object written after it started is found because git re-reads its
packs when a lookup misses.

Readers belong to the process that started them (a forked child disowns its parent's at the
fork and starts its own) and
at most `MAX_READERS` stay open, the least recently used closed first; all close at exit.
"""

import atexit
import contextlib
import os
import subprocess
from collections import OrderedDict
from pathlib import Path
from typing import IO

from podsim.errors import GitError

MAX_READERS = 8


class ObjectReader:
    """`git cat-file --batch-command` on one repository."""

    def __init__(self, gitdir: Path, env: dict[str, str]) -> None:
        self.gitdir = gitdir
        self._process = subprocess.Popen(
            ["git", "--git-dir", str(gitdir), "cat-file", "--batch-command"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )
        self._pid = os.getpid()

    def info(self, name: str) -> tuple[str, str, int] | None:
        """(sha, type, size) of the object `name` names, or None when there is none."""
        return self._ask(f"info {name}")

    def read(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object `name` names, or None when there is none."""
        header = self._ask(f"contents {name}")
        if header is None:
            return None
        data = self._stdout().read(header[2] + 1)  # the content, then a newline
        if len(data) != header[2] + 1:
            raise GitError(f"cat-file in {self.gitdir} ended while sending {name}")
        return header[1], data[:-1]

    def alive(self) -> bool:
        return self._process.poll() is None and os.getpid() == self._pid

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def disown(self) -> None:
        """In a forked child: let go of the parent's reader without touching its process."""
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()  # this process's copies; the parent's stay open
        # Not this process's child: nothing to wait for, and Popen must not warn that it
        # is "still running" when this object goes.
        self._process.returncode = 0

    def _ask(self, command: str) -> tuple[str, str, int] | None:
        if "\n" in command:
            raise GitError(f"an object name with a newline cannot be asked: {command!r}")
        stdin = self._process.stdin
        if stdin is None or self._process.poll() is not None:
            raise GitError(f"cat-file in {self.gitdir} is not running")
        try:
            stdin.write(command.encode() + b"\n")
            stdin.flush()
        except BrokenPipeError:
            raise GitError(f"cat-file in {self.gitdir} exited") from None
        line = self._stdout().readline().decode().rstrip("\n")
        if not line:
            raise GitError(f"cat-file in {self.gitdir} exited")
        words = line.split(" ")
        if len(words) == 3 and words[2].isdigit():
            return words[0], words[1], int(words[2])
        if line.endswith((" missing", " ambiguous")):
            return None
        raise GitError(f"cat-file in {self.gitdir} answered {line!r} to {command!r}")

    def _stdout(self) -> IO[bytes]:
        if self._process.stdout is None:
            raise GitError(f"cat-file in {self.gitdir} has no output")
        return self._process.stdout


_READERS: "OrderedDict[tuple[int, str], ObjectReader]" = OrderedDict()


def reader(gitdir: Path, env: dict[str, str]) -> ObjectReader:
    """This process's reader of `gitdir`, started on first use."""
    pid = os.getpid()
    for foreign in [k for k in _READERS if k[0] != pid]:
        del _READERS[foreign]  # a parent's before this process forked: the parent's to close
    key = (pid, str(gitdir.resolve()))
    found = _READERS.get(key)
    if found is not None and found.alive():
        _READERS.move_to_end(key)
        return found
    _READERS.pop(key, None)
    while len(_READERS) >= MAX_READERS:
        _, oldest = _READERS.popitem(last=False)
        oldest.close()
    found = _READERS[key] = ObjectReader(gitdir, env)
    return found


def _disown_inherited() -> None:
    """Right after a fork, in the child: the parent's readers are the parent's. Their pipes
    are closed at once, before a fork server closes descriptors wholesale, so that no file
    object is left to close a reused descriptor number later."""
    while _READERS:
        _READERS.popitem()[1].disown()


os.register_at_fork(after_in_child=_disown_inherited)


@atexit.register
def close_all() -> None:
    """Close this process's readers (a forked child leaves its parent's alone)."""
    for key in [k for k in _READERS if k[0] == os.getpid()]:
        _READERS.pop(key).close()
