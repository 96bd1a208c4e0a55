"""The claims lock: what trips it, what does not, accepting, and the committed lock itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from docproof.authoring import ClaimsLock, Page, parse_page
from docproof.claims_lock import main

REPO = Path(__file__).resolve().parents[2]
PAGE = """# P

<!-- claim: p.kept -->
A container restart keeps the volume.

```{.python claim="p.kept"}
volume = {"a": 1}
assert volume == {"a": 1}  # kept
```

<!-- claim: p.other -->
Another claim.

```{.console claim="p.other"}
$ echo  yes
yes
```
"""


def parsed(text: str, name: str = "p.md") -> Page:
    return parse_page(text, Path(name))


def locked(tmp_path: Path, text: str = PAGE) -> ClaimsLock:
    """A lock that accepted ``text`` as p.md, written and read back."""
    lock = ClaimsLock.read(tmp_path / "claims.lock")
    page = parsed(text)
    lock.accept([page], {c.id for c in page.claims})
    lock.write()
    return ClaimsLock.read(tmp_path / "claims.lock")


def problems(lock: ClaimsLock, text: str, name: str = "p.md") -> list[str]:
    page = parsed(text, name)
    return [str(e) for e in lock.problems(page, {c.id for c in page.claims})]


def test_rewrapping_reordering_and_reformatting_do_not_trip_it(tmp_path: Path) -> None:
    lock = locked(tmp_path)
    rewrapped = PAGE.replace("A container restart keeps the volume.",
                             "A container  restart keeps\nthe volume.")
    reformatted = rewrapped.replace('volume = {"a": 1}\nassert volume == {"a": 1}  # kept',
                                    '# the volume\nvolume = {"a" : 1}\n\nassert volume=={"a": 1}')
    first, second = reformatted.split("<!-- claim: p.other -->")
    reordered = "# P\n\n<!-- claim: p.other -->" + second + first.removeprefix("# P\n")
    assert problems(lock, reordered) == []
    assert problems(lock, reordered.replace("$ echo  yes", "$ echo yes")) == []


def test_a_changed_sentence_shows_old_and_new_with_the_claim(tmp_path: Path) -> None:
    lock = locked(tmp_path)
    assert problems(lock, PAGE.replace("restart keeps", "restart wipes")) == [
        "p.md:3: claim 'p.kept': its sentence changed but its checks did not since the claims "
        "lock claims.lock\n"
        "    locked: A container restart keeps the volume.\n"
        "    now:    A container restart wipes the volume.\n"
        "  accept with `nox -s claims -- --accept` (or pytest --accept-claims)"]


def test_a_changed_check_trips_it_too(tmp_path: Path) -> None:
    lock = locked(tmp_path)
    weakened = PAGE.replace('assert volume == {"a": 1}', 'assert volume <= {"a": 1, "b": 2}')
    unmarked = PAGE.replace('```{.python claim="p.kept"}', "```{.python}")
    output = PAGE.replace("yes\n```", "no\n```")
    assert [p.splitlines()[0] for p in problems(lock, weakened)] == [
        "p.md:3: claim 'p.kept': its checks changed but its sentence did not since the claims "
        "lock claims.lock"]
    assert "p.md:3: claim 'p.kept': its checks changed" in problems(lock, unmarked)[0]
    assert "p.md:11: claim 'p.other': its checks changed" in problems(lock, output)[0]
    both = weakened.replace("restart keeps", "restart wipes")
    assert "its sentence and its checks both changed" in problems(lock, both)[0]


def test_new_and_removed_claims_need_accepting(tmp_path: Path) -> None:
    lock = locked(tmp_path)
    added = PAGE + '\n<!-- claim: p.new -->\nNew.\n\n```{.console claim="p.new"}\n$ true\n```\n'
    removed = PAGE.split("<!-- claim: p.other -->")[0]
    assert problems(lock, added)[0].startswith("p.md:19: claim 'p.new' is not in the claims lock")
    assert problems(lock, removed)[0].startswith(
        "p.md:1: claim 'p.other' is in the claims lock for this page but declared nowhere now")
    # A claim moved to another page has not gone.
    other = "<!-- claim: p.other -->\nAnother claim.\n\n```{.console claim=\"p.other\"}\n" \
            "$ echo  yes\nyes\n```\n"
    page = parsed(removed)
    assert lock.problems(page, {"p.kept", "p.other"}) == []
    assert problems(lock, other, "q.md") == []


def test_accepting_rewrites_the_lock_and_reports_each_change(tmp_path: Path) -> None:
    lock = locked(tmp_path)
    changed = parsed(PAGE.replace("restart keeps", "restart wipes").split("<!-- claim: p.other")[0])
    assert lock.accept([changed], {"p.kept"}) == ["updated p.kept", "removed p.other"]
    lock.write()
    saved = json.loads((tmp_path / "claims.lock").read_text())
    assert saved["claims"] == {"p.kept": {
        "page": "p.md", "sentence": "A container restart wipes the volume.",
        "checks": saved["claims"]["p.kept"]["checks"]}}
    assert ClaimsLock.read(tmp_path / "claims.lock").problems(changed, {"p.kept"}) == []


def test_the_committed_lock_matches_every_page() -> None:
    assert main(["--project", str(REPO)]) == 0


def pytest_page(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--docproof-report",
         str(project / "report.json"), "page.md", *args],
        cwd=project, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": ""})


def test_the_accept_flag_takes_the_pages_claims_into_the_lock(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\ndocproof_claims_lock = claims.lock\n")
    (tmp_path / "page.md").write_text(PAGE.replace('```{.python claim="p.kept"}\n',
                                                   '```{.console claim="p.kept"}\n$ true\n'
                                                   '```\n\n```{.python}\n'))
    first = pytest_page(tmp_path)
    assert first.returncode == 1
    assert "page.md:3: claim 'p.kept' is not in the claims lock claims.lock" in first.stdout
    accepted = pytest_page(tmp_path, "--accept-claims")
    assert accepted.returncode == 0, accepted.stdout
    assert "docproof: claims lock claims.lock: added p.kept" in accepted.stdout
    assert pytest_page(tmp_path).returncode == 0
    assert set(json.loads((tmp_path / "claims.lock").read_text())["claims"]) == {"p.kept",
                                                                                "p.other"}
