"""Errors the API process model raises, named after the production errors they stand for."""


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
