"""The conditions a Python block runs under: sandbox env and cwd, no network, a deadline."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from docproof.sandbox import BLOCKED


class NetworkBlocked(ConnectionError):
    """A Python block tried to reach the network."""


class BlockTimeout(TimeoutError):
    """A Python block ran past its timeout."""


@contextmanager
def python_conditions(
    *, env: Mapping[str, str], cwd: Path, timeout_s: float, restore_env: bool = True
) -> Iterator[None]:
    """Within: ``env`` as the whole environment, ``cwd``, no network, BlockTimeout after
    ``timeout_s`` seconds; all restored on the way out (the environment only if
    ``restore_env``: a page's own process keeps its blocks' environment between them)."""
    with _environment(env, cwd, restore_env), _no_network(), _deadline(timeout_s):
        yield


@contextmanager
def _environment(env: Mapping[str, str], cwd: Path, restore: bool) -> Iterator[None]:
    saved_env, saved_cwd = _become(env), Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        if restore:
            _become(saved_env)


def _become(target: Mapping[str, str]) -> dict[str, str]:
    """Make ``os.environ`` equal ``target``, setting only the variables that differ (each
    set or unset rewrites libc's environment); return what it was."""
    before = dict(os.environ)
    for key in before.keys() - target.keys():
        del os.environ[key]
    for key, value in target.items():
        if before.get(key) != value:
            os.environ[key] = value
    return before


def _refuse(what: object) -> NetworkBlocked:
    return NetworkBlocked(f"{BLOCKED} (connect to {what!r})")


@contextmanager
def _no_network() -> Iterator[None]:
    """Refuse non-unix socket connections and name lookups while a block runs."""
    originals = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)

    def connect(self: Any, address: Any) -> None:
        if self.family != socket.AF_UNIX:
            raise _refuse(address)
        originals[0](self, address)

    def connect_ex(self: Any, address: Any) -> int:
        if self.family != socket.AF_UNIX:
            raise _refuse(address)
        return originals[1](self, address)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        raise _refuse((host, port))

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = originals[0], originals[1]  # type: ignore[method-assign]
        socket.getaddrinfo = originals[2]


Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise BlockTimeout in the block after ``seconds`` (SIGALRM; main thread only).

    An interval timer already armed (e.g. pytest-timeout's) is honoured: if it is due first,
    its handler runs when it would have; it is re-armed with its remaining time afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    start = time.monotonic()
    old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)
    ours_first = not old_delay or seconds <= old_delay

    def expire(signum: int, frame: FrameType | None) -> None:
        if ours_first:
            raise BlockTimeout(f"Python block timed out after {seconds:g} s")
        if callable(old_handler):
            old_handler(signum, frame)

    old_handler: Handler = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds if ours_first else old_delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay and ours_first:
            left = old_delay - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), old_interval)
