"""pytest nodes: one collector per page, one item per fenced block, in page order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from docproof.authoring import ILLUSTRATION, NO_WORLD, Block, LockDifference, Page
from docproof.errors import BlockFailure, DocproofError, PageError
from docproof.page_process import PageDied, PageProcess
from docproof.pytest_python import python_item
from docproof.pytest_state import session_state
from docproof.runtime import PageRun
from docproof.sandbox import make_sandbox

PROPERTY = "docproof"
UPDATED = "docproof-updated"
TOOLS = "docproof-tools"


class DocproofPage(pytest.File):
    """A Markdown page: its blocks share one sandbox, world, namespace and bash session."""

    page: Page
    run: PageRun | None = None
    current: pytest.Item | None = None
    failure: PageError | None = None
    process: PageProcess | None = None
    blocked: bool = False  # its claims differ from the claims lock: nothing runs

    def collect(self) -> list[pytest.Item]:
        state = session_state(self.config)
        try:
            self.page = state.read_page(self.path)
            state.check_duplicate_claims(self.page)
            self.config.hook.pytest_docproof_check_page(page=self.page)
        except PageError as exc:
            # Fails this page alone, at its line; every other page still runs.
            self.page = Page(exc.path, NO_WORLD, ())
            return [PageProblemItem.from_parent(self, name=f"[page][line:{exc.line}]", error=exc)]
        problems = [] if state.inner else self._claim_problems()
        failing = [PageProblemItem.from_parent(self, name=f"[claim][line:{p.line}]#{n}", error=p,
                                               lang="claim")
                   for n, p in enumerate(problems)]
        differences = [p for p in problems if isinstance(p, LockDifference)]
        if differences:
            # A claim changed since it was reviewed: fail at each claim and run nothing until
            # the change is accepted into the lock (or undone).
            self.blocked = True
            first = differences[0]
            why = (f"not run: {first.path}:{first.line}: the page's claims differ from the "
                   "claims lock")
            return [*failing, *(_not_run(self, block, why) for block in self.page.blocks)]
        sandboxed, claims = state.sandboxed(), state.claims()
        blocks = self.page.blocks
        return [*failing, *(_item_for(self, block, claims, sandboxed) for block in blocks)]

    def _claim_problems(self) -> list[PageError]:
        try:
            return session_state(self.config).claim_problems(self.page)
        except LockDifference as exc:  # an unreadable claims lock
            return [exc]

    def setup(self) -> None:
        """Make the sandbox and bind the world; a failure is kept and fails each block.

        With a page sandbox, all of that happens in the page's own process instead."""
        runnable = [b for b in self.page.blocks if b.options and b.options.executable]
        if self.blocked:
            return
        if runnable and session_state(self.config).sandboxed():
            self.process = self._start_process()
        elif runnable:
            try:
                self.run = self._start()
            except PageError as exc:
                self.failure = exc

    def _start(self) -> PageRun:
        state = session_state(self.config)
        sandbox = make_sandbox(self.path.stem, shares_network=not state.net_prefix())
        world = None
        if self.page.world != NO_WORLD:
            try:
                world = self.config.hook.pytest_docproof_page_world(
                    page=self.path, world=self.page.world, sandbox=sandbox
                )
            except Exception as exc:
                sandbox.remove()
                message = f"world {self.page.world!r}: {type(exc).__name__}: {exc}"
                raise PageError(self.page.path, 1, message) from exc
            if world is None:
                sandbox.remove()
                message = f"no pytest_docproof_page_world provider gave world {self.page.world!r}"
                raise PageError(self.page.path, 1, message)
        return PageRun(self.path, self.page.path, sandbox, world, state.net_prefix(), state.update,
                       own_process=state.inner)

    def _session_args(self) -> list[str]:
        """The arguments of this page's own pytest session."""
        state = session_state(self.config)
        # No benchmark plugin: blocks take no fixtures, and it runs git 8 times as it starts.
        # No output capture and no log capture: what they would gather per block goes into
        # the page session's reports, which stream only outcomes and failure texts outward;
        # a block's own output reaches the page's log as it did (pytest-markdown-docs turns
        # capture off while a block runs).
        args = [str(self.path.resolve()), "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                "-p", "no:benchmark", "--capture=no"]
        if not _mentions_logging(self.config.inipath):
            args += ["-p", "no:logging"]
        args += ["--rootdir", str(state.rootdir)]
        if self.config.inipath is not None:
            args += ["-c", str(self.config.inipath)]
        for plugin in state.plugins:
            args += ["-p", plugin]
        if state.update:
            args.append("--docproof-update")
        return args

    def _start_process(self) -> PageProcess:
        state = session_state(self.config)
        # Forked at the first page's set-up: by then collection has imported what any page
        # needs (the world's glue may import more for the pages it saw), and the server
        # has it too.
        return PageProcess.start(
            state.page_server(),
            state.rootdir,
            self.config.invocation_params.dir,
            self._session_args(),
            state.claims(),
            writable=[self.path.resolve()] if state.update else [],
        )

    def teardown(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            changed = process.finish()
            if changed and self.current is not None:
                self.current.user_properties.append((UPDATED, json.dumps(changed)))
        run, self.run = self.run, None
        if run is None:
            return
        changed = run.close()
        if changed and self.current is not None:
            self.current.user_properties.append((UPDATED, json.dumps(changed)))

    def page_run(self) -> PageRun:
        if self.failure is not None:
            raise self.failure
        if self.run is None:
            raise RuntimeError(f"{self.page.path}: page was not set up")
        return self.run


def _mentions_logging(inipath: Path | None) -> bool:
    """Whether the ini file may set a ``log_*`` option (the page's session then keeps the
    logging plugin: with ``--strict-config`` an option of a plugin turned off is an error).
    pytest has no public way to ask which options a file sets, so any mention counts."""
    return inipath is not None and "log_" in inipath.read_text(encoding="utf-8",
                                                              errors="replace")


def plugin_args(args: Sequence[str]) -> tuple[str, ...]:
    """The names given with ``-p NAME`` in the outer run, so the page's session loads the
    same plugins (e.g. a world provider loaded with ``-p conftest``)."""
    found: list[str] = []
    for index, arg in enumerate(args):
        if arg == "-p" and index + 1 < len(args):
            found.append(args[index + 1])
        elif arg.startswith("-p") and len(arg) > 2:
            found.append(arg[2:])
    return tuple(found)


class BlockItem(pytest.Item):
    """A console or bash block run in the page's bash session."""

    def __init__(self, *, block: Block, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block

    def runtest(self) -> None:
        assert isinstance(self.parent, DocproofPage) and self.block.options is not None
        run = self.parent.page_run()
        if self.block.options.lang == "console":
            run.run_console(self.block)
        else:
            run.run_bash(self.block)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, BlockFailure):
            return excinfo.value.render()
        if isinstance(excinfo.value, DocproofError | InnerFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f"{self.block.path}:{self.block.line}"


class SandboxedItem(BlockItem):
    """A runnable block whose outcome comes from the page's sandboxed process."""

    def runtest(self) -> None:
        assert isinstance(self.parent, DocproofPage) and self.block.options is not None
        process = self.parent.process
        if process is None:
            raise RuntimeError(f"{self.block.path}: page process was not started")
        try:
            outcome = process.outcome(self.block.line, self.block.options.timeout_s)
        except PageDied as exc:
            raise BlockFailure(
                self.block.path, self.block.line, str(exc), process.output()
            ) from None
        if outcome.tools:
            self.user_properties.append((TOOLS, json.dumps(outcome.tools)))
        if outcome.status == "skipped":
            pytest.skip(outcome.text)
        if outcome.status == "failed":
            raise InnerFailure(outcome.text)


class InnerFailure(Exception):
    """A block failed in the page process; the message is its rendered failure."""


class VerdictItem(BlockItem):
    """A block decided without running: failed with an error, or skipped by a skip mark."""

    def __init__(self, *, error: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise BlockFailure(self.block.path, self.block.line, self.error)


class PageProblemItem(pytest.Item):
    """A page that cannot be read (encoding, front matter, claims): one failure at its line."""

    def __init__(self, *, error: PageError, lang: str = "page", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error
        record = {"file": error.path.as_posix(), "line": error.line, "lang": lang,
                  "claim": None, "reason": ""}
        self.user_properties.append((PROPERTY, json.dumps(record)))

    def runtest(self) -> None:
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.error.line - 1, f"{self.error.path}:{self.error.line}"


def _not_run(page: DocproofPage, block: Block, why: str) -> pytest.Item:
    """A block of a page whose claims need fixing first: skipped, saying so."""
    item = VerdictItem.from_parent(page, name=f"[{block.lang or 'fence'}][line:{block.line}]",
                                   block=block)
    item.add_marker(pytest.mark.skip(reason=why))
    record = {"file": block.path.as_posix(), "line": block.line, "lang": block.lang,
              "claim": block.options.claim if block.options else None, "reason": why}
    item.user_properties.append((PROPERTY, json.dumps(record)))
    return item


def _item_for(
    page: DocproofPage, block: Block, claims: set[str], sandboxed: bool
) -> pytest.Item:
    name = f"[{block.lang or 'fence'}][line:{block.line}]"
    options = block.options
    item: pytest.Item
    if options is None:
        item = VerdictItem.from_parent(page, name=name, block=block, error=str(block.error or ""))
    elif options.claim is not None and options.claim not in claims:
        error = (
            f"claim {options.claim!r} is not declared in any scanned page "
            "(<!-- claim: id --> before its paragraph)"
        )
        item = VerdictItem.from_parent(page, name=name, block=block, error=error)
    elif options.notest is not None or options.lang in ILLUSTRATION:
        reason = options.notest or f"illustration ({options.lang})"
        item = VerdictItem.from_parent(page, name=name, block=block)
        item.add_marker(pytest.mark.skip(reason=reason))
    elif sandboxed:
        item = SandboxedItem.from_parent(page, name=name, block=block)
    elif options.lang == "python":
        item = python_item(page, block, name)
    else:
        item = BlockItem.from_parent(page, name=name, block=block)
    reason = (options.notest if options else None) or ""
    if options and options.lang in ILLUSTRATION and not reason:
        reason = f"illustration ({options.lang})"
    record = {
        "file": block.path.as_posix(),
        "line": block.line,
        "lang": block.lang,
        "claim": options.claim if options else None,
        "reason": reason or "",
    }
    item.user_properties.append((PROPERTY, json.dumps(record)))
    return item
