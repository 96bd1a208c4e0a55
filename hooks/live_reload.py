"""Let `mkdocs serve` rebuild on edits to the published folders (specs/, runbooks/).

mkdocs.yml's `watch` refuses folders that do not exist yet; this watches those that do. The
model (src/) and hooks/ are in `watch`. Macros and the report are re-read on every rebuild;
edits to the hook files themselves need a restart (mkdocs loads hooks once per process).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer

from _layout import PUBLISHED_DIRS, repo_root


# Add the published folders that exist to the watched paths.
def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: object) -> LiveReloadServer:
    root = repo_root(config)
    for folder in PUBLISHED_DIRS:
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
