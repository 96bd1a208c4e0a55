"""`scripts/sensitivity.py` on a temporary copy of one claim of the storage spec: its check
fails under the drift its claim names, and a weakened copy of that check is caught."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from page_session import INI, REPO

from docproof.authoring import read_page

SPEC = Path("specs") / "behaviors" / "storage.md"
CLAIM = "storage.pod-delete-loses-unpushed"
SCRIPT = REPO / "scripts" / "sensitivity.py"


def _spec_excerpt() -> tuple[list[str], int]:
    """The storage spec cut down to its front matter, its first (import) block, and one
    claim with its checks; returns the lines and the index of the claim's marker."""
    page = read_page(REPO / SPEC, SPEC)
    lines = (REPO / SPEC).read_text().splitlines()
    claim = next(c for c in page.claims if c.id == CLAIM)
    setup, *_ = page.blocks
    checks = [b for b in page.blocks if b.options and b.options.claim == CLAIM]
    front_end = lines.index("---", 1)
    paragraph_end = lines.index("", claim.line)
    parts = [lines[: front_end + 1], lines[setup.line - 1: setup.end_line],
             lines[claim.line - 1: paragraph_end]]
    parts += [lines[check.line - 1: check.end_line] for check in checks]
    excerpt = [line for part in parts for line in [*part, ""]]
    return excerpt, excerpt.index(lines[claim.line - 1])


def _project(root: Path, breaks_if: str, edit: tuple[str, str] | None = None) -> Path:
    shutil.copy(REPO / "conftest.py", root / "conftest.py")
    shutil.copytree(REPO / "deploy", root / "deploy")
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "git-pod-uploadpack.sh", root / "scripts")
    (root / "pytest.ini").write_text(INI)
    lines, marker = _spec_excerpt()
    lines[marker] = f'<!-- claim: {CLAIM} breaks-if="{breaks_if}" -->'
    text = "\n".join(lines) + "\n"
    if edit is not None:
        assert text.count(edit[0]) == 1, edit
        text = text.replace(*edit)
    (root / SPEC).parent.mkdir(parents=True)
    (root / SPEC).write_text(text)
    return root


def _sensitivity(root: Path) -> tuple[int, str, dict[str, Any] | None]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root), str(SPEC)],
        env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True,
        check=False, timeout=600,
    )
    report = root / ".docproof" / "sensitivity.json"
    data = json.loads(report.read_text()) if report.exists() else None
    return done.returncode, done.stdout + done.stderr, data


def test_the_check_fails_under_the_drift_its_claim_names(tmp_path: Path) -> None:
    code, output, report = _sensitivity(_project(tmp_path, "volume-is-pvc"))
    assert code == 0, output
    assert report is not None
    (entry,) = report["claims"]
    assert entry["id"] == CLAIM and entry["shown"]
    assert [k["status"] for k in entry["drifts"]["volume-is-pvc"]["checks"]] == ["fail"]
    assert "1 of 1 claims shown to fail" in output


def test_a_weakened_check_is_caught(tmp_path: Path) -> None:
    weaker = ('assert fates_of(world, waiting) == {"lost"}',
              'assert fates_of(world, waiting) <= {"lost", "origin"}')
    code, output, report = _sensitivity(_project(tmp_path, "volume-is-pvc", weaker))
    assert code == 1, output
    assert report is not None and not report["claims"][0]["shown"]
    assert f"{SPEC.as_posix()}:" in output
    assert (f"claim {CLAIM!r}: check still passes under every drift its claim names "
            "(volume-is-pvc)") in output


def test_an_unknown_drift_name_is_refused_at_its_line(tmp_path: Path) -> None:
    code, output, _ = _sensitivity(_project(tmp_path, "volume-is-pv"))
    assert code == 2, output
    marker = next(c for c in read_page(tmp_path / SPEC, SPEC).claims if c.id == CLAIM)
    assert f"{SPEC.as_posix()}:{marker.line}: claim {CLAIM!r}: unknown drift 'volume-is-pv'" \
        in output
