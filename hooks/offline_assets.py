"""Refuse to build when a local script (the vendored Mermaid) is missing.

mkdocs-material falls back to a CDN copy of Mermaid when none is loaded, which fails silently
offline. The site loads its own copy through extra_javascript; this hook makes its absence a
build error with the command that fetches it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

_VENDOR_COMMAND = "python scripts/vendor_mermaid.py"


# Check every local extra_javascript file exists in docs_dir.
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    docs = Path(config.docs_dir)
    for script in config.extra_javascript:
        path = str(script)
        if _is_remote(path):
            raise PluginError(f"extra_javascript {path!r} is remote; the site must work offline")
        if not (docs / path).is_file():
            raise PluginError(f"extra_javascript {path!r} is missing from {docs}; "
                              f"fetch the vendored scripts with `{_VENDOR_COMMAND}`")
    return config


def _is_remote(path: str) -> bool:
    # URLs with a scheme or host are not served by the site itself.
    parts = urlsplit(path)
    return bool(parts.scheme or parts.netloc)
