"""Errors the API process model raises, named after the production errors they stand for."""

from podsim.errors import WorldError


class NotListening(WorldError):
    """A request reached the process before it listens (or after it stopped): in production
    the connection is refused."""

    def __init__(self, pod: str, phase: object) -> None:
        super().__init__(f"{pod}: connection refused: the API is not serving yet "
                         f"(phase {phase!r}); wait until it listens")
        self.pod, self.phase = pod, phase


class StoreError(Exception):
    """The data directory cannot be opened as a gitsheets store."""


class TransactionError(Exception):
    """A write could not be committed; `code` mirrors gitsheets' error codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class ReconcileError(Exception):
    """Reconcile threw: at boot the process dies, from the webhook the route answers 500."""


class ReplayConflict(Exception):
    """Replaying a local commit onto the remote tip did not merge cleanly."""
