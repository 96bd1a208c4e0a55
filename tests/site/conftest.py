"""Fixtures for the site tests: sample projects built in temporary directories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_rig import launch, local_page
from site_project import SiteProject


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    """The sample site with its verification report."""
    return SiteProject.sample(tmp_path)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium, once per module (each browser module defines its `base_url`)."""
    with launch(tmp_path_factory.mktemp("chromium-home")) as launched:
        yield launched


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page that may load nothing but the module's local site."""
    with local_page(browser, base_url) as opened:
        yield opened
