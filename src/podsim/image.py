"""What the container image gives the simulated container (codeforphilly's `Dockerfile`:
`node:22.22-alpine` plus tini; docs/reference/sources.md#entrypoint and #crashloopbackoff).

Alpine has BusyBox's `sh` and no bash, so the entrypoint runs with a POSIX sh here too. When
V8 runs out of heap, node prints a fatal error and aborts.
"""

import functools
import shutil

from podsim.errors import WorldError

# What node writes to stderr when V8 runs out of heap, before it aborts (native stack
# frames, which carry addresses, left out).
HEAP_ABORT_LINES = (
    "",
    "<--- Last few GCs --->",
    "",
    "<--- JS stacktrace --->",
    "",
    "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
)


@functools.cache
def entrypoint_shell() -> tuple[str, ...]:
    """The POSIX sh that runs deploy/docker/entrypoint.sh: BusyBox's, as in the image, if
    this machine has BusyBox, else dash. Never bash: the image has none."""
    if busybox := shutil.which("busybox"):
        return (busybox, "sh")
    if dash := shutil.which("dash"):
        return (dash,)
    raise WorldError("no POSIX sh to run the entrypoint with: install busybox or dash")
