"""Publish specs/ and runbooks/ next to docs/, keyed by their repository paths.

Every page is known to mkdocs by its path in the repository (docs/index.md,
specs/behaviors/storage.md), while docs/ pages keep their URLs at the site root. A link is then
resolved exactly as GitHub resolves it, so `../../specs/behaviors/storage.md` from
docs/operations/runbook.md works on the site and on GitHub, and mkdocs still validates it.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from _layout import PUBLISHED_DIRS, repo_root


# Re-key docs/ files to repository paths and add the published folders.
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = repo_root(config)
    docs_dir = Path(config.docs_dir).resolve()
    docs_prefix = docs_dir.relative_to(root).as_posix()
    published = Files([])
    for file in files:
        if file.src_dir is not None and Path(file.src_dir).resolve() == docs_dir:
            file = _rekeyed(file, f"{docs_prefix}/{file.src_uri}", root)
        published.append(file)
    taken = {file.dest_uri: file.src_uri for file in published}
    for folder in PUBLISHED_DIRS:
        for path in _sources(root / folder):
            file = _repo_file(path.relative_to(root).as_posix(), root, config)
            if file.dest_uri in taken:
                raise PluginError(f"{file.src_uri} and {taken[file.dest_uri]} would both "
                                  f"publish {file.dest_uri}")
            taken[file.dest_uri] = file.src_uri
            published.append(file)
    return published


def _rekeyed(file: File, src_uri: str, root: Path) -> File:
    # The same file under its repository path, published at its original URL.
    return File(src_uri, src_dir=str(root), dest_dir=file.dest_dir,
                use_directory_urls=file.use_directory_urls, dest_uri=file.dest_uri,
                inclusion=file.inclusion)


def _repo_file(src_uri: str, root: Path, config: MkDocsConfig) -> File:
    # A file from a published folder, at the same path on the site.
    return File(src_uri, src_dir=str(root), dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls)


def _sources(folder: Path) -> list[Path]:
    # Files under a published folder, skipping hidden files and folders.
    if not folder.is_dir():
        return []
    files = (path.relative_to(folder) for path in folder.rglob("*") if path.is_file())
    return sorted(folder / f for f in files if not any(s.startswith(".") for s in f.parts))

