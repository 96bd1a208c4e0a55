"""Which pages a default run collects: page roots yes, sample pages only when named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PAGE = "# Page\n\n```{.console}\n$ echo hi\nhi\n```\n"


def _collect(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["HOME"] = str(root / "home")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout + done.stderr


def test_default_run_collects_page_roots_but_not_samples(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntestpaths = tests docs runbooks\naddopts = -p no:cacheprovider\n"
    )
    for relative in ("docs/guide.md", "runbooks/restore.md", "tests/samples/broken.md"):
        page = tmp_path / relative
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE)
    listed = _collect(tmp_path)
    assert "docs/guide.md::[console][line:3]" in listed
    assert "runbooks/restore.md::[console][line:3]" in listed
    assert "tests/samples" not in listed
    assert "tests/samples/broken.md::[console][line:3]" in _collect(
        tmp_path, "tests/samples/broken.md"
    )


def test_roots_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntestpaths = handbook docs\ndocproof_roots = handbook\n"
        "addopts = -p no:cacheprovider\n"
    )
    for relative in ("handbook/a.md", "docs/b.md"):
        page = tmp_path / relative
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE)
    listed = _collect(tmp_path)
    assert "handbook/a.md::[console][line:3]" in listed
    assert "docs/b.md" not in listed
