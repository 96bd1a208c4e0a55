"""Time the site build with hooks and macros against plain mkdocs-material, side by side.

Both builds render the same pages: the repository's docs/, specs/ and runbooks/ plus the site
test samples (claims, fences of every kind, a macro table, a diagram). "plain" publishes them
as ordinary docs/ pages with the same theme and Markdown extensions but no hooks, no macros
and no strict checks; "full" is mkdocs.yml as is. Builds alternate in one process and the
median of each is compared; exit status 1 when full takes more than MAX_RATIO times plain.
One cold build of each comes first and is printed too: the full build's first run simulates
the scenarios its pages show, later builds reuse the runs cached for the unchanged model.

    python scripts/bench_site.py [--runs N]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "site" / "samples" / "site"
MAX_RATIO = 1.5
PAGE_DIRS = ("docs", "specs", "runbooks")

# Same theme and extensions (inherited), none of the site machinery.
PLAIN = """INHERIT: base.yml
strict: false
hooks: []
plugins: [search]
watch: []
nav: null
validation: {links: {not_found: info, anchors: info}}
"""


def assemble(root: Path) -> None:
    # full/: the repository layout; plain/: the same files, all under docs_dir.
    full, plain = root / "full", root / "plain"
    for part in PAGE_DIRS:
        for source in (REPO / part, SAMPLES / part):
            if source.is_dir():
                shutil.copytree(source, full / part, dirs_exist_ok=True)
                target = plain / "docs" if part == "docs" else plain / "docs" / part
                shutil.copytree(source, target, dirs_exist_ok=True)
    shutil.copytree(REPO / "hooks", full / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    (full / "src").mkdir()
    (full / ".docproof").mkdir()
    shutil.copy(SAMPLES / "report.json", full / ".docproof" / "report.json")
    nav = [("Home", "docs/index.md"), ("Sample spec", "specs/behaviors/sample.md"),
           ("Sample incident", "runbooks/sample-incident.md"),
           ("Operations overview", "docs/operations/overview.md"),
           ("Claims", "docs/claims/index.md")]
    pages = {p.relative_to(full).as_posix() for d in PAGE_DIRS for p in (full / d).rglob("*.md")}
    nav += [(page, page) for page in sorted(pages - {path for _, path in nav})]
    items = "".join(f"  - {title!r}: {path}\n" for title, path in nav)
    for tree, config in ((full, f"INHERIT: base.yml\nnav:\n{items}"), (plain, PLAIN)):
        shutil.copy(REPO / "mkdocs.yml", tree / "base.yml")
        (tree / "mkdocs.yml").write_text(config)


def time_build(config_file: Path) -> float:
    # Wall time of one build, config loading included.
    start = time.perf_counter()
    build(load_config(str(config_file)))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch:
        root = Path(scratch)
        assemble(root)
        sys.path.insert(0, str(REPO / "src"))
        timings: dict[str, list[float]] = {"plain": [], "full": []}
        # First builds: imports, and the full build's scenario runs (then cached on disk).
        cold = {name: time_build(root / name / "mkdocs.yml") for name in timings}
        for _ in range(runs):
            for name in timings:
                timings[name].append(time_build(root / name / "mkdocs.yml"))
    plain, full = (statistics.median(timings[n]) for n in ("plain", "full"))
    ratio = full / plain
    print(f"first build, cold: plain {cold['plain']:.3f} s, hooks + macros {cold['full']:.3f} s")
    print(f"plain mkdocs-material: {plain:.3f} s (median of {runs})")
    print(f"hooks + macros:        {full:.3f} s (median of {runs})")
    print(f"ratio: {ratio:.2f} (limit {MAX_RATIO})")
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
