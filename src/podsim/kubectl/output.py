"""The two streams kubectl writes to, flushed at once so stderr/stdout order is kept."""

import sys


def out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()
