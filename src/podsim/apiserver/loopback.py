"""Loopback up: a fresh network namespace (a docproof page's) starts with `lo` down, and an
endpoint on 127.0.0.1 is unreachable there until it is up. Linux ioctls, no `ip` tool."""

import fcntl
import socket
import struct

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
_IFREQ = "16sH"  # struct ifreq: interface name, then ifr_flags


def ensure_loopback_up() -> None:
    """Bring `lo` up if it is down; a no-op where it is up (a host's namespace)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack(_IFREQ, b"lo", 0)
        answer = fcntl.ioctl(sock, SIOCGIFFLAGS, request + bytes(40 - len(request)))
        flags = struct.unpack_from(_IFREQ, answer)[1]
        if not flags & IFF_UP:
            up = struct.pack(_IFREQ, b"lo", flags | IFF_UP)
            fcntl.ioctl(sock, SIOCSIFFLAGS, up + bytes(40 - len(up)))
