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


class OpenRepoProcess:
    """The smallest process: opens the bare clone and serves. Stands in for the API model."""

    def boot(self, ctx: ProcessContext) -> None:
        head = ctx.git("rev-parse", "--verify", "HEAD", check=False)
        problem = None
        if ctx.git("rev-parse", "--is-bare-repository", check=False).stdout.strip() != "true":
            problem = "data directory is not a bare git repository"
        elif head.returncode != 0:
            problem = f"cannot resolve HEAD: {head.stderr.strip()}"
        if problem:
            ctx.log("fatal", problem)
            raise BootFailure(problem)
        ctx.log("info", "Server listening at http://0.0.0.0:3001")

    def handle(self, ctx: ProcessContext, kind: str, data: dict[str, Any]) -> None:
        raise ValueError(f"OpenRepoProcess schedules no timers, got {kind!r}")

    def on_sigterm(self, ctx: ProcessContext) -> float:
        return 0.0
