"""A page being run: its sandbox, its world, one Python namespace and one bash session."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docproof.authoring import Block
from docproof.console import Command, ConsoleSyntaxError, parse_console, render_console
from docproof.errors import BlockFailure
from docproof.matching import diff, matches, normalise
from docproof.pyexec import python_conditions
from docproof.sandbox import BLOCKED, PageWorld, Sandbox
from docproof.shell import BashSession, SessionError
from docproof.update import rewrite_blocks

_NETWORK_SIGNS = (BLOCKED, "Could not resolve host", "transport 'http", "Network is unreachable")


class PageRun:
    """Runs a page's blocks once each, in page order, against the page's one world."""

    def __init__(
        self,
        source: Path,
        display: Path,
        sandbox: Sandbox,
        world: PageWorld | None,
        net_prefix: Sequence[str] = (),
        update: bool = False,
        own_process: bool = False,
    ) -> None:
        """``own_process``: this process runs this page only (a page sandbox), so the
        environment need not be restored after each Python block."""
        self.source = source
        self.display = display
        self.sandbox = sandbox
        self.world = world
        self.env = sandbox.environment(world)
        self.cwd = sandbox.start_dir(world)
        self.namespace: dict[str, Any] = {"__name__": "__docproof_page__"}
        self.namespace.update(world.namespace if world else {})
        self._net_prefix = tuple(net_prefix)
        self._update = update
        self._own_process = own_process
        self._session: BashSession | None = None
        self._start_failure: BlockFailure | None = None
        self._rewrites: dict[int, tuple[Block, str]] = {}

    @contextmanager
    def python_conditions(self, block: Block) -> Iterator[None]:
        """While a Python block runs: the page's env and cwd, no network, the block's timeout."""
        assert block.options is not None
        with python_conditions(env=self.env, cwd=self.cwd, timeout_s=block.options.timeout_s,
                               restore_env=not self._own_process):
            yield

    def adopt_namespace(self, names: Mapping[str, Any]) -> None:
        """The globals a Python block ended with become the page's names for later blocks."""
        self.namespace = dict(names)

    def run_bash(self, block: Block) -> None:
        assert block.options is not None
        result = self._run(block, block.line, block.body, body_line=block.line + 1)
        want = block.options.returncode
        if result.returncode != want:
            raise self._failure(
                block.line, f"bash block exited {result.returncode}, expected {want}", result.output
            )
        if want == 0 and result.failed_command:
            raise self._failure(
                block.line,
                f"command `{result.failed_command}` failed in "
                "bash block (every command must succeed)",
                result.output,
            )

    def run_console(self, block: Block) -> None:
        assert block.options is not None
        try:
            commands = parse_console(block.body)
        except ConsoleSyntaxError as exc:
            raise BlockFailure(block.path, block.line + 1 + exc.offset, str(exc)) from None
        fresh: dict[int, list[str]] = {}
        for index, command in enumerate(commands):
            line = block.line + 1 + command.offset
            want = block.options.returncode if index == len(commands) - 1 else 0
            result = self._run(block, line, command.source)
            if result.returncode != want:
                raise self._failure(
                    line,
                    f"`{command.first_line}` exited {result.returncode}, expected {want}",
                    result.output,
                )
            actual = normalise(result.output.splitlines())
            if matches(command.expected, actual):
                continue
            if self._update:
                fresh[command.offset] = actual
                continue
            raise self._mismatch(line, command, actual)
        if fresh:
            self._rewrites[block.line] = (block, render_console(commands, fresh))

    def _run(self, block: Block, line: int, source: str, body_line: int | None = None) -> Any:
        """Run ``source`` (whose first line is ``body_line``, default ``line``); a failure
        the session cannot place is reported at ``line``."""
        assert block.options is not None
        if self._session is None:
            self._session = BashSession(self.cwd, self.env, self._net_prefix)
            self._start_world_services(line, block.options.timeout_s)
        if self._start_failure is not None:
            raise self._start_failure
        try:
            return self._session.run(source, block.options.timeout_s)
        except SessionError as exc:
            if exc.offset is not None:
                at = (body_line or line) + exc.offset
                raise self._failure(at, str(exc), exc.output) from None
            first = source.splitlines()[0] if source.strip() else source
            raise self._failure(line, f"`{first}`: {exc}", exc.output) from None

    def _start_world_services(self, line: int, timeout_s: float) -> None:
        """The world's ``session_start``, once, in the fresh session; a failure sticks."""
        if self.world is None or not self.world.session_start.strip():
            return
        assert self._session is not None
        try:
            result = self._session.run(self.world.session_start, timeout_s)
        except SessionError as exc:
            self._start_failure = self._failure(line, f"the world's session start: {exc}",
                                                exc.output)
            return
        if result.returncode != 0:
            self._start_failure = self._failure(
                line, f"the world's session start exited {result.returncode}", result.output
            )

    def _mismatch(self, line: int, command: Command, actual: list[str]) -> BlockFailure:
        return self._failure(
            line,
            f"output of `{command.first_line}` does not match",
            diff(command.expected, actual),
            hint_from="\n".join(actual),
        )

    def _failure(self, line: int, message: str, detail: str, hint_from: str = "") -> BlockFailure:
        if any(sign in (hint_from or detail) for sign in _NETWORK_SIGNS):
            message += f" ({BLOCKED})"
        return BlockFailure(self.display, line, message, detail)

    def close(self) -> list[str]:
        """End the session, close the world, apply update-mode rewrites; describe the rewrites."""
        changed: list[str] = []
        try:
            if self._session is not None:
                self._session.close()
            if self._rewrites:
                changed = rewrite_blocks(self.source, list(self._rewrites.values()))
        finally:
            try:
                if self.world is not None:
                    self.world.close()
            finally:
                self.sandbox.remove()
        return changed
