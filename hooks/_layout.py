"""Where things are: the repository root, the published folders, the generated claims page."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

# Top-level repository folders published under the same path on the site, next to docs/.
PUBLISHED_DIRS = ("specs", "runbooks")

# The generated claims index, as a virtual page of docs/ (published at /claims/).
CLAIMS_PAGE = "docs/claims/index.md"


def repo_root(config: MkDocsConfig) -> Path:
    """The repository root: the directory holding mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent
