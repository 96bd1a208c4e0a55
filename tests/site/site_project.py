"""A throwaway copy of the site (config, hooks, docs) plus sample pages, built by real mkdocs."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parent / "samples"
MERMAID = REPO / "docs" / "assets" / "vendor" / "mermaid.min.js"
# Where hooks/macros.py caches the model's exports in a project, keyed by the model's
# fingerprint. A fresh project's first build produces them through the podsim CLI (fresh
# interpreters, most of a small build's time); every sample project builds against the same
# model, so each later one in this process starts with a copy of the first one's cache. The
# miss path keeps its own tests (test_site_macros) and every build still checks the key.
MODEL_CACHE = Path(".docproof") / "site-cache" / "model"
_WARM_MODEL_CACHE: list[Path] = []  # the first sample build's cache, once it has one



def load_module(name: str, path: Path) -> ModuleType:
    """The module in the file at `path`, loaded by path as mkdocs loads its hooks (and nox
    its noxfile)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE_NAV = [
    ("Home", "docs/index.md"),
    ("Operations overview", "docs/operations/overview.md"),
    ("Sample spec", "specs/behaviors/sample.md"),
    ("Sample incident", "runbooks/sample-incident.md"),
    ("Claims", "docs/claims/index.md"),
]


@dataclass
class SiteProject:
    """A project directory laid out like the repository, with its own mkdocs.yml."""

    root: Path
    nav: list[tuple[str, str]] = field(default_factory=lambda: list(SAMPLE_NAV))

    @classmethod
    def sample(cls, root: Path, *, with_report: bool = True) -> SiteProject:
        if not MERMAID.is_file():
            raise AssertionError(f"{MERMAID} is missing: run `python scripts/vendor_mermaid.py`")
        shutil.copytree(REPO / "hooks", root / "hooks",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
        shutil.copy(REPO / "mkdocs.yml", root / "base.yml")
        for part in ("docs", "specs", "runbooks"):
            shutil.copytree(SAMPLES / "site" / part, root / part, dirs_exist_ok=True)
        (root / "src").mkdir()
        if with_report:
            (root / ".docproof").mkdir()
            shutil.copy(SAMPLES / "site" / "report.json", root / ".docproof" / "report.json")
        if _WARM_MODEL_CACHE and _WARM_MODEL_CACHE[0].is_dir():
            shutil.copytree(_WARM_MODEL_CACHE[0], root / MODEL_CACHE)
        return cls(root)

    def add_case(self, name: str) -> str:
        """Publish samples/broken/<name>.md as specs/broken/<name>.md; returns its path."""
        page = f"specs/broken/{name}.md"
        (self.root / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / "broken" / f"{name}.md", self.root / page)
        self.nav.append((name, page))
        return page

    def build(self) -> subprocess.CompletedProcess[str]:
        """`mkdocs build --strict` in a child process with a private HOME; never raises."""
        result = self.run("-m", "mkdocs", "build", "--strict")
        if not _WARM_MODEL_CACHE and result.returncode == 0 and (self.root / MODEL_CACHE).is_dir():
            _WARM_MODEL_CACHE.append(self.root / MODEL_CACHE)
        return result

    def run(self, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Python with `args` in the project, after writing its mkdocs.yml; never raises."""
        items = "".join(f"  - {title!r}: {path}\n" for title, path in self.nav)
        (self.root / "mkdocs.yml").write_text(f"INHERIT: base.yml\nnav:\n{items}")
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "NO_MKDOCS_2_WARNING": "1",
               "LANG": "C.UTF-8"}
        if pythonpath is not None:
            env["PYTHONPATH"] = str(pythonpath)
        return subprocess.run([sys.executable, *args], cwd=self.root, env=env,
                              capture_output=True, text=True, check=False, timeout=180)

    def html(self, url: str) -> str:
        return (self.root / "site" / url / "index.html").read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Start tags of an HTML page with their attributes, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def by_id(self, element_id: str) -> dict[str, str]:
        found = [attrs for _, attrs in self.tags if attrs.get("id") == element_id]
        assert len(found) == 1, f"expected one element with id {element_id!r}, got {len(found)}"
        return found[0]

    def code_blocks(self) -> list[dict[str, str]]:
        """The containers of highlighted code blocks."""
        return [a for t, a in self.tags if t == "div" and "highlight" in a.get("class", "").split()]
