"""Errors the world raises. Each message names what went wrong and where."""


class WorldError(Exception):
    """A world directory is missing, corrupt, or asked to do something it cannot."""


class ManifestError(WorldError):
    """The deployment manifest under deploy/ lacks something the simulator needs."""


class GitError(WorldError):
    """A git command inside the world failed unexpectedly."""
