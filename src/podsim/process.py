"""The contract between a container and the program it runs (the API process model)."""

from typing import Any, Protocol

from podsim.api.context import ProcessContext


class BootFailure(Exception):
    """The process could not boot; the container exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Process(Protocol):
    def boot(self, ctx: ProcessContext) -> None:
        """Start up; raise BootFailure to crash the container."""

    def handle(self, ctx: ProcessContext, kind: str, data: dict[str, Any]) -> None:
        """A timer the process scheduled has fired."""

    def on_sigterm(self, ctx: ProcessContext) -> float:
        """SIGTERM arrived; return the virtual seconds until the process exits."""
        ...

