"""Which test files `pytest -n 2` hands to its workers first (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Files of many seconds on one worker, longest first (their wall seconds in a `pytest -n 2`
# run on a loaded 2-core machine: a ranking, not a budget). tests/test_file_order.py fails
# when one of these paths is gone.
LONGEST_FIRST = (
    "tests/podsim/test_scenarios.py",  # 28 s: every scenario's world
    "tests/content/test_warning_and_table_drifts.py",  # 28 s: four edited pages re-run
    "tests/content/test_storage_drift.py",  # 26 s: the storage spec re-run on a PVC
    "tests/docproof/test_docproof_samples.py",  # 22 s: waits for the whole-sample runs
    "specs/behaviors/storage.md",  # ~20 s: the longest page
    "tests/content/test_runbook_steps.py",  # 20 s: three runbooks re-run without their fix
    "tests/podsim/test_explore_invariants.py",  # 19 s
    "tests/podsim/test_explore_continuations.py",  # 10 s: explorations with and without memo
    "tests/podsim/test_drifts.py",  # 18 s: a world per drift
    "tests/site/test_site_build.py",  # 18 s: site builds
    "tests/podsim/test_trace.py",  # 18 s: reads the scenario exports test_scenarios made
    "tests/site/test_grammar_agreement.py",  # 15 s
    "tests/content/test_mutations.py",  # 14 s
    "docs/operations/runbook.md",  # ~12 s
    "tests/site/test_copied_commands.py",  # 12 s
    "tests/content/test_sensitivity.py",  # 11 s
    "tests/podsim/apiserver/test_apiserver_pages_kubectl.py",  # 11 s
    "tests/content/test_claim_edits.py",  # 10 s
    "tests/site/test_site_browser.py",  # 10 s
    "tests/content/test_world_pages.py",  # 9 s
    "tests/site/test_claims_build.py",  # 9 s
    "tests/podsim/test_explore_shards.py",  # 9 s
)


def file_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def longest_first(items: list[pytest.Item]) -> Iterator[pytest.Item]:
    """`items` grouped by file (each file's items in their order): LONGEST_FIRST's files in
    its order, then the others by their number of items, most first."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(file_of(item), []).append(item)
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    ordered = sorted(files, key=lambda path: (rank.get(path, len(rank)), -len(files[path])))
    for path in ordered:
        yield from files[path]
