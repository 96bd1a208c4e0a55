"""Fixtures for the site tests: sample projects built in temporary directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_project import SiteProject


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    """The sample site with its verification report."""
    return SiteProject.sample(tmp_path)
