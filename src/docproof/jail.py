"""The first process of a page sandbox: builds its filesystem view, then runs and reaps the page.

Started by ``page_process`` as ``unshare --net --mount --pid --fork --mount-proc --kill-child
python jail.py ...``, so it is process 1 of fresh network, mount and PID namespaces. It:

- brings up the namespace's own loopback (servers a page starts are reachable from its
  shell, nothing outside is);
- mounts a private tmpfs on ``/tmp`` (and ``/dev/shm``, ``/var/tmp``), re-binding the
  project's rootdir and the ``--visible`` directories (the interpreter and the project's
  sources) into it read-only when they live under ``/tmp`` (e.g. a checkout in /tmp);
- remounts the rest of the system read-only, except the files named ``--writable``;
- runs the command as its child and reaps every orphan until that child ends, then exits
  with its status. When process 1 of a PID namespace exits the kernel kills every other
  process in it, so nothing a page started outlives the page.

Standard library only: it runs before anything of the project is importable in the sandbox.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC = 1, 32, 4096, 16384
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_PRIVATE_TMP = ("/tmp", "/dev/shm", "/var/tmp")
_KEEP_WRITABLE = ("/proc", "/dev", "/dev/pts", *_PRIVATE_TMP)


def _mount(source: str | None, target: str, fstype: str | None, flags: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    encoded = [None if value is None else value.encode() for value in (source, target, fstype)]
    if libc.mount(encoded[0], encoded[1], encoded[2], flags, None) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {source} on {target}: {os.strerror(error)}")


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(probe, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(probe, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))


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


def run_and_reap(command: list[str], cwd: Path, stream_fd: int) -> int:
    """Run ``command`` as a child; reap everything until it ends; tell the stream how it ended."""
    child = os.fork()
    if child == 0:
        os.chdir(cwd)
        os.execv(command[0], command)
    while True:
        pid, status = os.wait()
        if pid == child:
            break
    if os.WIFSIGNALED(status):
        how, code = f"killed by {signal.Signals(os.WTERMSIG(status)).name}", 1
    else:
        code = os.waitstatus_to_exitcode(status)
        how = f"exited with {code}"
    if stream_fd >= 0:
        os.write(stream_fd, (json.dumps({"event": "ended", "how": how}) + "\n").encode())
    return code


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="docproof-jail")
    parser.add_argument("--rootdir", type=Path, required=True)
    parser.add_argument("--cwd", type=Path, required=True)
    parser.add_argument("--writable", type=Path, action="append", default=[])
    parser.add_argument("--visible", type=Path, action="append", default=[])
    parser.add_argument("--stream-fd", type=int, default=-1)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    loopback_up()
    build_view(args.rootdir.resolve(), [path.resolve() for path in args.writable],
               [path.resolve() for path in args.visible])
    return run_and_reap(command, args.cwd, args.stream_fd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
