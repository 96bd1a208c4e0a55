"""A page sandbox's namespaces and filesystem view, entered with libc calls (no ``unshare(1)``).

The page server (``page_server``) forks a keeper per page that calls ``enter_namespaces``
(fresh network, mount and PID namespaces) and forks process 1 of the new PID namespace,
which calls ``build_jail`` and then ``run_and_reap``:

- the namespace's own loopback comes up (servers a page starts are reachable from its
  shell, nothing outside is);
- every mount turns private (nothing propagates back to the host), ``/proc`` is remounted
  for the new PID namespace;
- a private tmpfs covers ``/tmp`` (and ``/dev/shm``, ``/var/tmp``), re-binding the
  project's rootdir and the ``visible`` directories (the interpreter and the project's
  sources) read-only when they live under ``/tmp`` (e.g. a checkout in /tmp);
- the rest of the system is remounted read-only, except the files named ``writable``;
- process 1 runs the page as its child and reaps every orphan until that child ends. When
  process 1 of a PID namespace exits the kernel kills every other process in it, so nothing
  a page started outlives the page.

Python 3.11 has no ``os.unshare``: ``unshare`` and ``prctl`` go through ctypes. ``probe``
says whether this machine lets us build the sandbox (root, or CAP_SYS_ADMIN); docproof runs
it in a fork of the session (``page_process.sandbox_available``), and as a script
(``python -I -S jail.py --probe``) it answers by its exit status.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import signal
import socket
import struct
import sys
from collections.abc import Callable
from pathlib import Path

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG = 1
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_PRIVATE_TMP = ("/tmp", "/dev/shm", "/var/tmp")
_KEEP_WRITABLE = ("/proc", "/dev", "/dev/pts", *_PRIVATE_TMP)
_LIBC = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int) -> None:
    encoded = [None if value is None else value.encode() for value in (source, target, fstype)]
    result = _LIBC.mount(encoded[0], encoded[1], encoded[2], ctypes.c_ulong(flags), None)
    _check(result, f"mount {source} on {target}")


def enter_namespaces() -> None:
    """Move this process into fresh network and mount namespaces; its next child is
    process 1 of a fresh PID namespace."""
    _check(_LIBC.unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID), "unshare")


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when the process that forked it dies."""
    _check(_LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(probe, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(probe, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))


def own_mounts() -> None:
    """Mounts made from here on stay in this namespace; ``/proc`` shows this PID namespace."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def build_jail(rootdir: Path, writable: list[Path], visible: list[Path]) -> None:
    """In process 1 of fresh namespaces: loopback, private mounts and /proc, the view."""
    own_mounts()
    loopback_up()
    build_view(rootdir, writable, visible)


def _mount_points() -> list[str]:
    with Path("/proc/self/mountinfo").open(encoding="utf-8") as table:
        points = [line.split()[4].encode().decode("unicode_escape") for line in table]
    return sorted(set(points), key=len)


def build_view(rootdir: Path, writable: list[Path], visible: list[Path] | None = None) -> None:
    """Private temp dirs, the rootdir (and `visible` dirs: the interpreter, the project's
    sources) still visible read-only where they live under /tmp, everything else read-only."""
    shown = _outermost([p for p in (rootdir, *(visible or [])) if p.is_relative_to("/tmp")])
    shown_fds = {path: os.open(path, os.O_PATH) for path in shown}
    file_fds = {path: os.open(path, os.O_PATH) for path in writable}
    for path in writable:
        if not path.is_relative_to("/tmp"):
            _mount(str(path), str(path), None, MS_BIND)
    for directory in _PRIVATE_TMP:
        if Path(directory).is_dir():
            _mount("tmpfs", directory, "tmpfs", 0)
    Path("/tmp").chmod(0o1777)
    for path, fd in shown_fds.items():
        path.mkdir(parents=True, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", str(path), None, MS_BIND | MS_REC)
        _mount(None, str(path), None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    for path, fd in file_fds.items():
        if path.is_relative_to("/tmp"):
            _mount(f"/proc/self/fd/{fd}", str(path), None, MS_BIND)
    writable_points = {str(path) for path in writable} | {str(path) for path in shown}
    for point in _mount_points():
        if point in writable_points or point.startswith(_KEEP_WRITABLE):
            continue
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        except OSError:
            continue  # e.g. a mount hidden under a private tmpfs
    for fd in [*file_fds.values(), *shown_fds.values()]:
        os.close(fd)


def _outermost(paths: list[Path]) -> list[Path]:
    """Existing directories of `paths`, without those inside another, shortest first."""
    found: list[Path] = []
    for path in sorted({p for p in paths if p.is_dir()}, key=lambda p: len(p.parts)):
        if not any(path.is_relative_to(outer) for outer in found):
            found.append(path)
    return found


def describe(status: int) -> str:
    """A wait status in words: ``exited with N`` or ``killed by SIGNAME``."""
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with {os.waitstatus_to_exitcode(status)}"


def tell_ended(stream_fd: int, how: str) -> None:
    """The stream's last event: how the page's session ended."""
    os.write(stream_fd, (json.dumps({"event": "ended", "how": how}) + "\n").encode())


def run_and_reap(session: Callable[[], int], stream_fd: int) -> int:
    """Run ``session`` in a child; reap everything until it ends; tell the stream how it ended."""
    child = os.fork()
    if child == 0:
        code = 70
        try:
            code = session()
        finally:
            os._exit(code)
    while True:
        pid, status = os.wait()
        if pid == child:
            break
    tell_ended(stream_fd, describe(status))
    return 1 if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status)


def probe() -> int:
    """0 if this process may build a page sandbox (namespaces, mounts, loopback), else 1."""
    try:
        enter_namespaces()
        first = os.fork()
        if first == 0:
            try:
                own_mounts()
                loopback_up()
            except OSError:
                os._exit(1)
            os._exit(0)
        return os.waitstatus_to_exitcode(os.waitpid(first, 0)[1])
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(probe() if sys.argv[1:] == ["--probe"] else 2)
