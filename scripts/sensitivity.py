"""Each check is shown to be able to fail: run the pages under the drifts their claims name.

A claim marker names the drifts that must break it
(``<!-- claim: storage.x breaks-if="volume-is-pvc" -->``). For each drift named anywhere,
this runs once, in a pytest session of its own with ``PODSIM_DRIFTS`` set, every page that
has a claim naming it. Then every check of such a claim must fail under at least one of the
drifts its claim names (a check that passes whatever the world does proves nothing), and
every drift a claim names must fail at least one of its checks; otherwise the run fails,
naming the claim and the check's line. It also fails when a claim of ``specs/`` or
``runbooks/`` names no drift, or fewer than 80% of the claims in ``docs/`` name one.

Writes ``.docproof/sensitivity.json`` (read by the site: the claims index and each claim's
chip say "shown to fail when ..."). ``--survey`` runs every drift of the catalogue on every
page instead and writes which claims each drift breaks (``.docproof/sensitivity-survey.json``),
to help choose a claim's drifts.

    python scripts/sensitivity.py [--jobs 2] [--survey] [PAGE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docproof.authoring import Claim, read_page
from docproof.errors import PageError
from podsim.drifts import DRIFTS

ROOT = Path(__file__).resolve().parents[1]
PAGE_ROOTS = ("docs", "specs", "runbooks")
MUST_NAME_A_DRIFT = ("specs", "runbooks")  # every claim there names at least one drift
DOCS_SHARE = 0.8  # and at least this share of the claims in docs/
REPORT = Path(".docproof") / "sensitivity.json"
SURVEY = Path(".docproof") / "sensitivity-survey.json"
SCHEMA = 1


@dataclass(frozen=True)
class DriftRun:
    """One pytest session of some pages under one drift: each claim's check statuses."""

    drift: str
    pages: tuple[Path, ...]
    seconds: float
    checks: dict[str, list[dict[str, Any]]]  # claim id -> [{file, line, status}]
    output: str


def page_claims(root: Path, pages: Iterable[Path]) -> list[Claim]:
    """Every claim of `pages` (rootdir-relative), each drift name checked against podsim's
    catalogue; PageError at the claim's line for a name not in it."""
    claims: list[Claim] = []
    for page in pages:
        for claim in read_page(root / page, page).claims:
            for name in claim.breaks_if:
                if name not in DRIFTS:
                    known = ", ".join(DRIFTS)
                    raise PageError(claim.path, claim.line, f"claim {claim.id!r}: unknown "
                                    f"drift {name!r} in breaks-if (known: {known})")
            claims.append(claim)
    return claims


def all_pages(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for top in PAGE_ROOTS for p in (root / top).rglob("*.md"))


def run_drift(root: Path, drift: str, pages: tuple[Path, ...], scratch: Path) -> DriftRun:
    """The pages in one pytest session whose worlds all carry `drift`."""
    report = scratch / f"{drift}.json"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--docproof-report", str(report), *map(str, pages)],
        cwd=root, env={**os.environ, "PODSIM_DRIFTS": drift},
        capture_output=True, text=True, check=False,
    )
    seconds = time.monotonic() - started
    if not report.exists():
        raise SystemExit(f"sensitivity: the run under {drift!r} wrote no report:\n"
                         f"{done.stdout}{done.stderr}")
    ran = json.loads(report.read_text())
    reasons = {(b["file"], b["line"]): b.get("reason") for b in ran["blocks"]}
    checks = {c["id"]: [{"file": k["file"], "line": k["line"], "status": k["status"],
                         "reason": reasons.get((k["file"], k["line"]))}
                        for k in c["checks"]] for c in ran["claims"]}
    return DriftRun(drift, pages, seconds, checks, done.stdout + done.stderr)


def run_all(root: Path, plan: dict[str, tuple[Path, ...]], jobs: int) -> dict[str, DriftRun]:
    # Longest runs first (as the last report timed them), so the slowest does not start last.
    last = _last_seconds(root)
    plan = dict(sorted(plan.items(), key=lambda item: -last.get(item[0], float("inf"))))
    with tempfile.TemporaryDirectory(prefix="sensitivity-") as scratch, \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {drift: pool.submit(run_drift, root, drift, pages, Path(scratch))
                   for drift, pages in plan.items()}
        return {drift: future.result() for drift, future in futures.items()}


def _last_seconds(root: Path) -> dict[str, float]:
    try:
        drifts = json.loads((root / REPORT).read_text())["drifts"]
        return {str(name): float(run["seconds"]) for name, run in drifts.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def coverage_problems(claims: list[Claim]) -> list[str]:
    """The claims that must name a drift and do not; the docs/ share if it falls short."""
    problems = [f"{c.path}:{c.line}: claim {c.id!r} names no drift (add breaks-if=\"...\", "
                f"or no-drift=\"why\" when none can break it)"
                for c in claims
                if c.path.parts[0] in MUST_NAME_A_DRIFT and not c.breaks_if and not c.no_drift]
    docs = [c for c in claims if c.path.parts[0] == "docs"]
    named = sum(1 for c in docs if c.breaks_if)
    if docs and named < DOCS_SHARE * len(docs):
        problems.append(f"docs/: {named} of {len(docs)} claims name a drift; at least "
                        f"{DOCS_SHARE:.0%} must")
    return problems


def judge(claims: list[Claim], runs: dict[str, DriftRun]) -> tuple[list[dict[str, Any]],
                                                                   list[str]]:
    """Per claim, what each of its drifts did to its checks. A check that passed under every
    drift its claim names could not fail: a problem, naming the check's line. So is a named
    drift under which none of the claim's checks failed (it does not break the claim)."""
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    for claim in claims:
        results: dict[str, Any] = {}
        failed_under: dict[tuple[str, int], list[str]] = {}
        for drift in claim.breaks_if:
            checks = runs[drift].checks.get(claim.id, [])
            for check in checks:
                failed = failed_under.setdefault((check["file"], check["line"]), [])
                if check["status"] == "fail":
                    failed.append(drift)
            broke = any(check["status"] == "fail" for check in checks)
            results[drift] = {"shown": broke, "checks": checks}
            if not broke:
                problems.append(f"{claim.path}:{claim.line}: claim {claim.id!r}: no check "
                                f"fails under drift {drift!r}")
        for (file, line), drifts in failed_under.items():
            if not drifts:
                problems.append(f"{file}:{line}: claim {claim.id!r}: check still passes under "
                                f"every drift its claim names ({', '.join(claim.breaks_if)})")
        shown = bool(results) and all(r["shown"] for r in results.values()) and all(
            failed_under.values())
        entries.append({"id": claim.id, "file": claim.path.as_posix(), "line": claim.line,
                        "breaks_if": list(claim.breaks_if), "no_drift": claim.no_drift,
                        "shown": shown,
                        "drifts": results})
    return entries, problems


def summary(entries: list[dict[str, Any]]) -> dict[str, Any]:
    per_root: dict[str, dict[str, int]] = {}
    for entry in entries:
        counts = per_root.setdefault(entry["file"].split("/")[0],
                                     {"claims": 0, "with_drifts": 0, "shown": 0,
                                      "no_drift": 0})
        counts["claims"] += 1
        counts["with_drifts"] += bool(entry["breaks_if"])
        counts["shown"] += entry["shown"]
        counts["no_drift"] += entry["no_drift"] is not None
    total = {key: sum(c[key] for c in per_root.values())
             for key in ("claims", "with_drifts", "shown", "no_drift")}
    return {**total, "roots": per_root}


def sensitivity(root: Path, pages: list[Path], jobs: int) -> int:
    claims = page_claims(root, pages)
    plan: dict[str, list[Path]] = {}
    for claim in claims:
        for drift in claim.breaks_if:
            plan.setdefault(drift, [])
            if claim.path not in plan[drift]:
                plan[drift].append(claim.path)
    started = time.monotonic()
    runs = run_all(root, {d: tuple(p) for d, p in plan.items()}, jobs)
    entries, problems = judge(claims, runs)
    problems += coverage_problems(claims)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "seconds": round(time.monotonic() - started, 1),
        "drifts": {name: {"description": DRIFTS[name].description,
                          "pages": [p.as_posix() for p in runs[name].pages],
                          "seconds": round(runs[name].seconds, 1)} for name in runs},
        "claims": entries,
        "summary": summary(entries),
        "problems": problems,
    }
    (root / REPORT).parent.mkdir(exist_ok=True)
    (root / REPORT).write_text(json.dumps(report, indent=2) + "\n")
    for problem in problems:
        print(problem)
    s = report["summary"]
    print(f"sensitivity: {s['shown']} of {s['claims']} claims shown to fail under the drifts "
          f"they name ({s['with_drifts']} name one, {s['no_drift']} say why none can); "
          f"{len(runs)} drift runs in "
          f"{report['seconds']} s; report {REPORT}")
    return 1 if problems else 0


def survey(root: Path, pages: list[Path], jobs: int) -> int:
    claims = page_claims(root, pages)
    runs = run_all(root, {name: tuple(pages) for name in DRIFTS}, jobs)
    broken = {name: sorted(cid for cid, checks in run.checks.items()
                           if checks and all(k["status"] == "fail" for k in checks))
              for name, run in runs.items()}
    by_claim = {c.id: [name for name in DRIFTS if c.id in broken[name]] for c in claims}
    (root / SURVEY).parent.mkdir(exist_ok=True)
    (root / SURVEY).write_text(json.dumps({"by_drift": broken, "by_claim": by_claim},
                                          indent=2) + "\n")
    for claim in claims:
        print(f"{claim.path}:{claim.line}: {claim.id}: {', '.join(by_claim[claim.id]) or '-'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="pages (default: every page)")
    parser.add_argument("--jobs", type=int, default=2, help="drift runs at once (default 2)")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the project whose pages run (default: this checkout)")
    parser.add_argument("--survey", action="store_true",
                        help="run every drift on every page; write which claims each breaks")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    pages = [Path(p) for p in args.pages] or all_pages(root)
    try:
        return (survey if args.survey else sensitivity)(root, pages, args.jobs)
    except PageError as error:
        print(f"sensitivity: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
