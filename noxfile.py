"""Sessions: tests, docs (verify then build the site), serve, lint, bench.

    nox -s tests   every check: lint, types, unit tests and pages (-n 2), strict site build
    nox -s docs    run the pages' code blocks (writes .docproof/report.json), build site/
    nox -s serve   verify, then serve the site at http://127.0.0.1:8000 with live reload (failing
                   pages too: the site shows their failing badges); a finished report of
                   every block for the checkout as it is now is served without re-running
                   (`-- --verify` runs the pages anyway)
    nox -s lint    ruff and mypy (strict) over src/, hooks/, scripts/ and tests/site/
    nox -s bench   the benchmark suite: each A against its B, medians, ratios and targets
                   (writes .docproof/bench.json; `-- --quick` for one small round)
    nox -s kubectl_matrix   the runbook pages with every kubectl version at hand
    nox -s explore every fault at every step boundary of the default workloads
    nox -s claims  every claim against the claims lock and the claim rules;
                   `nox -s claims -- --accept` rewrites the lock (claims.lock) from the pages
    nox -s mutations   generic doc edits applied page by page, and how many the checks catch
    nox -s sensitivity   each claim's checks under the drifts its claim names must fail
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests"]

PYTHON = "3.11"
PAGE_ROOTS = ("docs", "specs", "runbooks")
SITE_ENV = {"NO_MKDOCS_2_WARNING": "1"}
REPORT = Path(".docproof") / "report.json"


def _install(session: nox.Session, extras: str = "dev") -> None:
    # The project with its extras, then the vendored Mermaid the site serves itself.
    session.install("-e", f".[{extras}]")
    session.run("python", "scripts/vendor_mermaid.py")


def _require_jq(session: nox.Session) -> None:
    # The runbooks' commands read JSON logs with jq; without it their blocks fail.
    if shutil.which("jq") is None:
        session.error("the runbooks read JSON logs with jq: install it (e.g. apt-get install jq)")


def _verify(session: nox.Session, *, failures_ok: bool = False) -> None:
    # Run every page's code blocks; docproof writes .docproof/report.json. pytest exits 1
    # when a block fails; with `failures_ok` the session goes on (the report holds them).
    roots = [root for root in PAGE_ROOTS if Path(root).is_dir()]
    # Pages on two workers, as the tests session runs them (each page stays on one worker).
    session.run("pytest", "-n", "2", *roots, success_codes=[0, 1] if failures_ok else [0])
    if failures_ok:
        _warn_failures(session)


def _warn_failures(session: nox.Session) -> None:
    summary = json.loads(REPORT.read_text(encoding="utf-8"))["summary"]
    if summary["fail"]:
        session.warn(f"{summary['fail']} page blocks fail; the site shows their failing "
                     "badges (the report is .docproof/report.json)")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Every check in one environment: lint, types, tests and pages, strict site build."""
    _require_jq(session)
    _install(session, "dev,browser")
    _lint(session)
    # Unit tests, the browser test (when Chromium is present) and every page's code blocks;
    # the run writes .docproof/report.json, which the strict build then renders.
    # The run starts about a hundred Python processes over the same sources (workers, inner
    # sessions, page servers, site builds, the podsim CLI): with bytecode writing turned off
    # in the caller's environment, each would compile them again and pytest would rewrite
    # every test module in each worker. The caches are __pycache__/ folders, ignored by git.
    session.run("pytest", "-n", "2", *session.posargs, env={"PYTHONDONTWRITEBYTECODE": ""})
    session.run("mkdocs", "build", "--strict", env=SITE_ENV)
    # The built site in a browser; its own report goes aside so the run's report stays.
    session.run(
        "pytest", "tests/site/test_real_site_browser.py",
        "--docproof-report", ".docproof/site-browser-run.json",
        env={"DOCPROOF_BUILT_SITE": "site"},
    )


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Verify the pages, then build the site strictly into site/."""
    _install(session)
    _verify(session)
    session.run("mkdocs", "build", "--strict", env=SITE_ENV)


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Verify the pages, then serve the site with live reload at http://127.0.0.1:8000; pages
    that fail are served too, with their failing badges. When .docproof/report.json is a
    finished run of every block for exactly the checkout's current content, it is served as
    it is (`-- --verify` runs the pages anyway)."""
    _require_jq(session)
    _install(session)
    fresh = _report_freshness(session) if "--verify" not in session.posargs else "--verify"
    if fresh == "fresh":
        session.log(f"serving {REPORT}: it verified every block of this checkout as it is now "
                    "(nox -s serve -- --verify runs the pages again)")
        _warn_failures(session)
    else:
        session.log(f"running every page first ({fresh})")
        _verify(session, failures_ok=True)
    session.run("mkdocs", "serve", "-a", "127.0.0.1:8000", "--livereload", env=SITE_ENV)


def _report_freshness(session: nox.Session) -> str:
    # "fresh", or "stale: why" (docproof.freshness, run in the session's environment).
    said = session.run("python", "-m", "docproof.freshness", str(REPORT), silent=True)
    return str(said or "stale: not checked").strip()


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over everything; mypy --strict over the package, hooks and scripts."""
    _install(session)
    _lint(session)


def _lint(session: nox.Session) -> None:
    session.run("ruff", "check", ".")
    session.run("mypy")
    session.run("mypy", "--strict", "hooks", *sorted(str(p) for p in Path("scripts").glob("*.py")))


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """The benchmark suite (scripts/bench.py): A and B interleaved, medians, ratios against
    their targets; writes .docproof/bench.json (docs/reference/performance.md shows the
    committed copy, docs/reference/bench.json). Arguments go to the script."""
    _require_jq(session)
    _install(session)
    session.run("python", "scripts/bench.py", *session.posargs, env=SITE_ENV)


@nox.session(python=PYTHON)
def kubectl_matrix(session: nox.Session) -> None:
    """The runbook pages once per kubectl version at hand (pinned, published wheels, the
    machine's kubectl.1.NN); writes .docproof/kubectl-matrix.json for the site footer."""
    _install(session)
    session.run("python", "scripts/kubectl_matrix.py", *session.posargs)


@nox.session(python=PYTHON)
def explore(session: nox.Session) -> None:
    """Every fault kind at every step boundary of the default workloads (podsim explore);
    writes docs/reference/fault-matrix.json (the fault matrix page and the storage spec cite
    it: commit it) and fails on an unexpected invariant violation. Arguments go to `podsim
    explore` (e.g. `-- --shard 1/2 --output part1.json`)."""
    _install(session)
    session.run("podsim", "explore", "--json", "--output", "docs/reference/fault-matrix.json",
                *session.posargs)


@nox.session(python=PYTHON)
def claims(session: nox.Session) -> None:
    """Every claim against the claims lock and the claim rules (checked, no bare figures);
    `-- --accept` rewrites the lock from the pages as they are, for review in the diff."""
    _install(session)
    session.run("python", "-m", "docproof.claims_lock", *session.posargs)


@nox.session(python=PYTHON)
def mutations(session: nox.Session) -> None:
    """Generic doc edits (a figure changed, a sentence negated, a check unmarked, a check's
    last assert deleted), applied one at a time page by page across specs/, runbooks/ and
    docs/operations/; prints the rate the page run catches (target 90%). Arguments go to
    scripts/mutate_docs.py (e.g. `-- --run-uncaught` to run the page for edits the static
    rules pass)."""
    _install(session)
    session.run("python", "scripts/mutate_docs.py", *session.posargs)


@nox.session(python=PYTHON)
def sensitivity(session: nox.Session) -> None:
    """Each check is shown to be able to fail: the pages once per drift that a claim names
    (`breaks-if`), with the world drifted; fails if a check still passes under a drift its
    claim names, or a claim of specs/ or runbooks/ names none. Writes
    .docproof/sensitivity.json, which the site shows per claim. Arguments go to
    scripts/sensitivity.py (e.g. `-- --survey` runs every drift on every page)."""
    _require_jq(session)
    _install(session)
    session.run("python", "scripts/sensitivity.py", *session.posargs)
