"""The project's import graph: site -> world and site -> runner; world and runner apart.

The world (src/podsim) never imports the runner, the site or a test framework; the runner
(src/docproof) never imports the world; the site (hooks/) reads the world only through the
scenario export and pages only through the runner's page grammar. The root conftest.py is
the one place that binds runner to world, so it is not checked here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "src" / "podsim"
RUNNER = ROOT / "src" / "docproof"
SITE = ROOT / "hooks"
SITE_MODULES = {path.stem for path in SITE.glob("*.py")}


def top_level_imports(path: Path) -> set[str]:
    """Dotted names imported by `path` (absolute imports only)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def imports_of(package: Path) -> dict[str, set[str]]:
    files = sorted(package.rglob("*.py"))
    return {str(p.relative_to(package.parent)): top_level_imports(p) for p in files}


def offenders(package: Path, forbidden: tuple[str, ...] | set[str]) -> list[str]:
    def hits(name: str) -> bool:
        return any(name == f or name.startswith(f + ".") for f in forbidden)

    return sorted(f"{file} imports {name}" for file, names in imports_of(package).items()
                  for name in names if hits(name))


def test_the_world_never_imports_the_runner_the_site_or_pytest() -> None:
    assert offenders(WORLD, ("docproof", "mkdocs", "mkdocs_macros", "pytest", *SITE_MODULES)) == []


def test_the_runner_never_imports_the_world_or_the_site() -> None:
    assert offenders(RUNNER, ("podsim", "mkdocs", *SITE_MODULES)) == []


def test_the_site_reads_the_world_through_the_export_and_pages_through_the_grammar() -> None:
    site = {name for names in imports_of(SITE).values() for name in names}
    world = {name for name in site if name.split(".")[0] == "podsim"}
    runner = {name for name in site if name.split(".")[0] == "docproof"}
    assert world - {"podsim"} == {"podsim.scenarios.export"}
    assert runner == {"docproof.authoring", "docproof.errors"}


@pytest.mark.parametrize("line", ["from docproof.authoring import Page", "import pytest",
                                  "import page_status"])
def test_the_check_sees_a_forbidden_import(tmp_path: Path, line: str) -> None:
    probe = tmp_path / "world" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(line + "\n")
    assert offenders(probe.parent, ("docproof", "pytest", *SITE_MODULES)) != []
