"""The seam between docproof and a world: hooks implemented in the root conftest.py.

pytest only recognises hook implementations whose names start with ``pytest_``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from docproof.authoring import Page
from docproof.sandbox import PageWorld, Sandbox


@pytest.hookspec(firstresult=True)
def pytest_docproof_page_world(page: Path, world: str, sandbox: Sandbox) -> PageWorld | None:
    """Bind the page at ``page`` to the world named in its front matter.

    Called once per page whose front matter names a world other than ``none``, before its
    first block runs, with the page's fresh ``sandbox``. Return a ``PageWorld``, or None if
    this implementation does not provide worlds (the next implementation is asked). Raise
    for an unknown world name: the message fails every block of the page, located at
    ``file.md:1``. docproof calls ``PageWorld.close()`` after the page's last block.
    """


@pytest.hookspec(firstresult=True)
def pytest_docproof_figures() -> Mapping[str, str] | None:
    """The model's named figures (name -> value, "300 s" for a duration) that claim
    sentences state as checked values, ``{{ fact("name", "as written") }}``; None if this
    implementation has no model (the written values are then not compared)."""


@pytest.hookspec
def pytest_docproof_check_page(page: Page) -> None:
    """Check what only the world knows about the parsed ``page``, e.g. that each drift a
    claim's ``breaks-if`` names exists. Raise ``docproof.errors.PageError`` at the line:
    the page then fails there alone, as for a malformed claim marker."""
