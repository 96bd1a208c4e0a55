"""The import rule of podsim (written out in podsim/seam.py): imports point downwards only.

Below the API (the cluster, the kubelet, the runtime, the seam and the leaf modules) nothing
imports `podsim.api`; neither the API nor anything below imports the modules above it.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "podsim"
ABOVE = ("podsim.world", "podsim.checks", "podsim.fates", "podsim.scenarios", "podsim.cli",
         "podsim.apiserver", "podsim.explore", "podsim.__main__", "podsim.drifts")
API = "podsim.api"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def imports(path: Path) -> set[str]:
    """Every podsim module `path` imports (`from podsim import x` counts as podsim.x)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if within(name, ("podsim",))}


def layer(name: str) -> str:
    if within(name, ABOVE):
        return "above"
    return "api" if within(name, (API,)) else "below"


MODULES = sorted(PACKAGE.rglob("*.py"))
FORBIDDEN = {"below": ("api", "above"), "api": ("above",), "above": ()}


def upward(own: str, imported: set[str]) -> list[str]:
    return sorted(name for name in imported if layer(name) in FORBIDDEN[layer(own)])


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_module_imports_a_layer_above_it(path: Path) -> None:
    name = module_name(path)
    assert upward(name, imports(path)) == [], f"{path} ({layer(name)}) imports upwards"


def test_the_runtime_knows_the_process_only_through_the_seam() -> None:
    for name in ("kubelet", "runtime", "cluster"):
        assert "podsim.seam" in imports(PACKAGE / f"{name}.py"), name


@pytest.mark.parametrize("line", ["from podsim.api.context import ApiSettings",
                                  "import podsim.api.process", "from podsim import api",
                                  "from podsim import world"])
def test_the_rule_sees_an_upward_import(tmp_path: Path, line: str) -> None:
    """The check itself: the kubelet with one upward import added is caught."""
    probe = tmp_path / "kubelet.py"
    probe.write_text((PACKAGE / "kubelet.py").read_text() + line + "\n")
    assert upward("podsim.kubelet", imports(probe)) != []
