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
    saved_env = dict(os.environ) if restore else None
    _become(env)
    saved_cwd = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        if saved_env is not None:
            _become(saved_env)


class _EncodedEnvironment:
    """The last environment asked for, also encoded as ``os.environ`` stores it (bytes to
    bytes on POSIX), so that comparing it with the process's is done in C, not by decoding
    every variable of the process as ``dict(os.environ)`` would."""

    def __init__(self) -> None:
        self._source: dict[str, str] | None = None
        self.encoded: dict[bytes, bytes] = {}
        self.pairs: list[tuple[str, str, bytes, bytes]] = []

    def of(self, target: Mapping[str, str]) -> _EncodedEnvironment:
        if self._source != target:
            encode_key = getattr(os.environ, "encodekey")  # noqa: B009 - not in the stubs
            encode_value = getattr(os.environ, "encodevalue")  # noqa: B009
            self.pairs = [(k, v, encode_key(k), encode_value(v)) for k, v in target.items()]
            self.encoded = {key: value for _, _, key, value in self.pairs}
            self._source = dict(target)
        return self


_ENCODED = _EncodedEnvironment()


def _become(target: Mapping[str, str]) -> None:
    """Make ``os.environ`` equal ``target``, setting only the variables that differ (each
    set or unset rewrites libc's environment). A page's own process usually holds the page's
    environment already, from its previous block, but for what pytest sets per phase
    (PYTEST_CURRENT_TEST): one comparison in C finds that out."""
    stored = getattr(os.environ, "_data", None)
    if not isinstance(stored, dict):  # not CPython's os.environ: compare decoded
        _become_decoded(target)
        return
    wanted = _ENCODED.of(target)
    if stored == wanted.encoded:
        return
    decode_key = getattr(os.environ, "decodekey")  # noqa: B009 - not in the stubs
    for key in [key for key in stored if key not in wanted.encoded]:
        del os.environ[decode_key(key)]
    for key, value, encoded_key, encoded_value in wanted.pairs:
        if stored.get(encoded_key) != encoded_value:
            os.environ[key] = value


def _become_decoded(target: Mapping[str, str]) -> None:
    before = dict(os.environ)
    for key in before.keys() - target.keys():
        del os.environ[key]
    for key, value in target.items():
        if before.get(key) != value:
            os.environ[key] = value


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
