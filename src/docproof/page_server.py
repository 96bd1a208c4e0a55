"""The page server: one long-lived process per pytest session that forks each page's sandbox.

Starting a fresh interpreter per page costs an interpreter, pytest, its plugins and the
world's imports (about half a second a page). The server is a fork of the session itself,
made when the first page with runnable blocks is collected, so it holds all of that
already (and a fresh interpreter importing it all again is not paid even once). For each
page request it forks:

- a keeper, which enters fresh network, mount and PID namespaces and forks process 1 of
  the new PID namespace; it reports process 1's death by a signal on the page's stream;
- process 1 (``jail``), which builds the page's filesystem view, forks the page's pytest
  session and reaps every orphan until that session ends.

The page's session runs ``pytest.main`` in that forked process: the pages never run in
the server, so nothing a page changes (builtins, module attributes, env) reaches the next
one. What the server inherits from the session that is that session's own (its open
files, signal handlers, log handlers, warning filters, import path) is put back as the
interpreter had it before pytest started. Each fork is told to die with its parent, so
killing a keeper (``PageProcess.kill``, through its pidfd) kills its page's namespace, and
the session's end ends the server and every page.

Requests arrive on a unix socket: a JSON object and two file descriptors (the stream's
write end, the log); the reply is the keeper's pidfd.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import importlib
import json
import logging
import os
import selectors
import signal
import socket
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from docproof import jail

REQUEST_MAX = 1 << 20
STREAM_FD = 3  # where the page's session finds its stream


# The interpreter's state before pytest changed it (this module is imported with docproof's
# pytest plugin, before any conftest or test module), for the server to start from.
_PRISTINE_PATH = list(sys.path)
_PRISTINE_WARNINGS = list(warnings.filters)


def fork_server(server: socket.socket) -> int:
    """Fork the page server off this process, serving on ``server``; its pid."""
    parent = os.getpid()
    # Everything so far leaves the collector's care: its passes would otherwise write to
    # every object, copying this process's whole memory for the fork (and for this process).
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            _become_server(parent, server.fileno())
            serve(server)
            code = 0
        finally:  # never back into the session's own code
            os._exit(code)
    return pid


def _become_server(parent: int, server_fd: int) -> None:
    """Shed what the forked session was doing: its terminal, files, handlers, state."""
    os.setsid()  # a Ctrl-C in the terminal is the session's to handle
    jail.die_with_parent()
    if os.getppid() != parent:
        os._exit(1)  # the session is already gone
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _close_fds_except(server_fd)  # 0, 1 and 2 stay: /dev/null
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    faulthandler.disable()  # it wrote to a descriptor of the session's, closed above
    for signum in signal.valid_signals():
        with contextlib.suppress(OSError, ValueError):
            if callable(signal.getsignal(signum)) and signum != signal.SIGINT:
                signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.excepthook, sys.unraisablehook = sys.__excepthook__, sys.__unraisablehook__
    sys.breakpointhook, threading.excepthook = sys.__breakpointhook__, threading.__excepthook__
    # pytest's assertion rewriting: each page's session installs its own.
    sys.meta_path[:] = [finder for finder in sys.meta_path
                        if type(finder).__module__ != "_pytest.assertion.rewrite"]
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    warnings.resetwarnings()  # empties the filters, telling warnings' C side they changed
    cast(list[Any], warnings.filters).extend(_PRISTINE_WARNINGS)
    sys.path[:] = _PRISTINE_PATH
    gc.freeze()  # what the session built stays shared between the forks, not copied


def serve(server: socket.socket) -> None:
    """Fork a keeper per request until the client closes the socket; then end every page."""
    keepers: dict[int, int] = {}  # pidfd -> pid
    with selectors.DefaultSelector() as selector:
        selector.register(server, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                if key.fileobj is server:
                    message, fds, _, _ = socket.recv_fds(server, REQUEST_MAX, 2)
                    if not message:
                        _end(keepers)
                        return
                    pid = _fork_keeper(json.loads(message), fds)
                    pidfd = os.pidfd_open(pid)
                    socket.send_fds(server, [b"%d" % pid], [pidfd])
                    keepers[pidfd] = pid
                    selector.register(pidfd, selectors.EVENT_READ)
                else:
                    pidfd = int(key.fd)
                    selector.unregister(pidfd)
                    os.waitpid(keepers.pop(pidfd), 0)
                    os.close(pidfd)


def _end(keepers: dict[int, int]) -> None:
    for pidfd, pid in keepers.items():
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        os.waitpid(pid, 0)


def _fork_keeper(request: dict[str, Any], fds: list[int]) -> int:
    stream_fd, log_fd = fds
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            code = _keep(request, stream_fd, log_fd)
        finally:
            os._exit(code)
    os.close(stream_fd)
    os.close(log_fd)
    return pid


def _keep(request: dict[str, Any], stream_fd: int, log_fd: int) -> int:
    """The keeper: fresh namespaces, process 1 in them; say if process 1 was killed."""
    _close_fds_except(stream_fd, log_fd)  # the server's socket and its other pages' pidfds
    jail.die_with_parent()
    if os.getppid() == 1:
        return 1  # the server is already gone
    try:
        jail.enter_namespaces()
    except OSError as error:
        jail.tell_ended(stream_fd, f"could not enter its sandbox ({error})")
        return 1
    lifeline, keeper_alive = os.pipe()
    first = os.fork()
    if first == 0:
        code = 70
        try:
            os.close(keeper_alive)
            code = _first_process(request, stream_fd, log_fd, lifeline)
        finally:
            os._exit(code)
    os.close(lifeline)
    status = os.waitpid(first, 0)[1]
    if os.WIFSIGNALED(status):
        jail.tell_ended(stream_fd, jail.describe(status))
    return 0


def _close_fds_except(*keep: int) -> None:
    """Close every descriptor from 3 up but ``keep``."""
    low = 3
    for fd in sorted(fd for fd in keep if fd >= low):  # closerange(3, 0) would close all
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def _first_process(request: dict[str, Any], stream_fd: int, log_fd: int, lifeline: int) -> int:
    """Process 1 of the page's PID namespace: the view, then the session and the reaping."""
    jail.die_with_parent()
    if _closed(lifeline):
        return 1  # the keeper died before this process could follow it
    try:
        jail.build_jail(
            Path(request["rootdir"]),
            [Path(p) for p in request["writable"]],
            [Path(p) for p in request["visible"]],
        )
    except OSError as error:
        jail.tell_ended(stream_fd, f"could not build its sandbox ({error})")
        return 1
    return jail.run_and_reap(_session(request, stream_fd, log_fd), stream_fd)


def _closed(fd: int) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        return bool(selector.select(0))


def _session(request: dict[str, Any], stream_fd: int, log_fd: int) -> Callable[[], int]:
    def run() -> int:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.dup2(stream_fd, STREAM_FD)
        for fd in (devnull, log_fd, stream_fd):
            if fd > STREAM_FD:
                os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # What the server found on its filesystem may be hidden in the page's view.
        tempfile.tempdir = None
        importlib.invalidate_caches()
        import pytest

        from docproof.pytest_page_stream import PageStream

        stream = PageStream(STREAM_FD, frozenset(request["claims"]))
        try:
            code = int(pytest.main(request["args"], plugins=[stream]))
        except BaseException:
            traceback.print_exc()
            code = 70
        sys.stdout.flush()
        sys.stderr.flush()
        return code

    return run
