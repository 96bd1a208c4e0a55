"""Python blocks run by pytest-markdown-docs, through its public extension points only.

Each Python block is a ``MarkdownInlinePythonItem`` holding a ``FenceTestDefinition`` of
exactly that block (no ``continuation`` chain), run by the plugin's default runner. The
page's one namespace travels through public hooks:

- ``pytest_markdown_docs_globals`` hands the running block the page's names;
- a last line appended after the block (below its own lines, so line numbers are unchanged)
  hands the block's globals back to the page; a block that raises hands them back from its
  own frame, so names bound before the error stay visible to later blocks;
- a ``pytest_runtest_call`` wrapper applies the page's environment, cwd, network block and
  the block's timeout; a ``pytest_runtest_makereport`` wrapper renders failures as
  ``file.md:line: Python block raised ...``.

The plugin builds a fresh globals dict per block and copies the page's names into it, so a
function defined in one block keeps reading the globals of its own block as handed over:
rebinding a name in a later block is not seen by such a function (passing values as
arguments is).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Generator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from pytest_markdown_docs.definitions import FenceTestDefinition
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem

from docproof.authoring import Block
from docproof.errors import DocproofError
from docproof.pyexec import BlockTimeout, NetworkBlocked
from docproof.runtime import PageRun

HAND_BACK = "__docproof_hand_back__"
PYTHON_BLOCK = pytest.StashKey[Block]()
PageRunOf = Callable[[pytest.Item], PageRun]


def python_item(parent: pytest.Collector, block: Block, name: str) -> pytest.Item:
    """The pytest-markdown-docs item for one Python block (default runner, no fixtures)."""
    body = block.body if block.body.endswith("\n") else block.body + "\n"
    definition = FenceTestDefinition(
        "\n" * block.line + body + f"{HAND_BACK}(globals())\n",
        (),
        block.line,
        source_path=block.path,
        runner_name=None,
    )
    item: pytest.Item = MarkdownInlinePythonItem.from_parent(
        parent, name=name, test_definition=definition
    )
    item.stash[PYTHON_BLOCK] = block
    return item


class PythonBlocks:
    """Session plugin: binds the running Python block to its page's run and namespace."""

    def __init__(self, page_run_of: PageRunOf) -> None:
        self._page_run_of = page_run_of
        self._running: PageRun | None = None

    def pytest_markdown_docs_globals(self) -> dict[str, Any]:
        if self._running is None:
            return {}
        return {**self._running.namespace, HAND_BACK: partial(_adopt, self._running)}

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        block = item.stash.get(PYTHON_BLOCK, None)
        if block is None:
            return (yield)
        run = self._page_run_of(item)
        self._running = run
        try:
            with run.python_conditions(block):
                return (yield)
        except BaseException as error:
            _hand_back_from_frame(run, block, error)
            raise
        finally:
            self._running = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        block = item.stash.get(PYTHON_BLOCK, None)
        if block is not None and report.failed and call.excinfo is not None:
            report.longrepr = render_python_failure(block.path, block.line, call.excinfo.value)
        return report


def _adopt(run: PageRun, names: Mapping[str, Any]) -> None:
    # A block's globals, without the hand-back function itself, become the page's names
    # (adopting copies them; the copy then drops the hand-back, leaving the block's own).
    run.adopt_namespace(names)
    run.namespace.pop(HAND_BACK, None)


def _hand_back_from_frame(run: PageRun, block: Block, error: BaseException) -> None:
    # The block's own module-level frame holds the globals it had bound when it raised.
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == str(block.path) and code.co_name == "<module>":
            _adopt(run, tb.tb_frame.f_globals)
            return
        tb = tb.tb_next


def render_python_failure(display: Path, line: int, error: BaseException) -> str:
    """``file.md:line: ...`` then the block's own frames of the traceback."""
    if isinstance(error, DocproofError):
        return str(error)
    if isinstance(error, BlockTimeout | NetworkBlocked):
        return f"{display}:{line}: {error}"
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == str(display)
    ]
    where = frames[-1].lineno if frames else line
    shown = "\n".join(f"  {display}:{f.lineno}: {(f.line or '').strip()}" for f in frames)
    kind = type(error).__name__
    return f"{display}:{where}: Python block raised {kind}: {error}\n{shown}".rstrip()
