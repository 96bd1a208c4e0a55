"""Python blocks run through pytest-markdown-docs' items with a docproof runner.

Each Python block becomes a ``MarkdownInlinePythonItem`` whose ``FenceTestDefinition``
holds exactly that block (no ``continuation`` chain) and names the ``DocproofRunner``.
The runner ignores the fresh globals pytest-markdown-docs builds per item and executes the
block once in the page's live namespace, through the ``docproof_block`` fixture.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_markdown_docs._runners import _Runner, register_runner
from pytest_markdown_docs.definitions import FenceTestDefinition

from docproof.errors import DocproofError
from docproof.pyexec import BlockTimeout, NetworkBlocked

RUNNER_NAME = "DocproofRunner"
FIXTURE_NAME = "docproof_block"


@register_runner()
class DocproofRunner(_Runner):
    """pytest-markdown-docs runner: delegate to the page's runner bound by the fixture."""

    def runtest(self, test: FenceTestDefinition, args: dict[str, Any]) -> None:
        run: Callable[[str], None] = args[FIXTURE_NAME]
        run(test.source)

    def repr_failure(
        self,
        test: FenceTestDefinition,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: object = None,
    ) -> str:
        return render_python_failure(test.source_path, test.start_line, excinfo.value)


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
