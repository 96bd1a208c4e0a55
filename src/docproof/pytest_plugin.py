"""docproof's pytest plugin (entry point ``pytest11: docproof``): options, hooks, report."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

import pytest

from docproof import pytest_hookspecs
from docproof.authoring.lock import SETTING as LOCK_SETTING
from docproof.claims_lock import accept_claims
from docproof.errors import PageError
from docproof.freshness import checkout_tree
from docproof.pytest_nodes import PROPERTY, TOOLS, UPDATED, DocproofPage, plugin_args
from docproof.pytest_page_stream import page_stream
from docproof.pytest_python import PythonBlocks
from docproof.pytest_state import STATE_KEY, SessionState, session_state
from docproof.report import BlockRecord, build_report, provenance, write_report
from docproof.runtime import PageRun

_LOCATED = re.compile(r"^\S+\.md:\d+: ")
_STATUS = {"passed": "pass", "failed": "fail", "skipped": "skip"}


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(pytest_hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("docproof", "executable Markdown pages")
    group.addoption(
        "--docproof-update",
        action="store_true",
        default=False,
        help="rewrite the expected output of console blocks in place",
    )
    group.addoption(
        "--docproof-report",
        default=None,
        metavar="PATH",
        help="where to write the verification report (default: <rootdir>/.docproof/report.json)",
    )
    group.addoption(
        "--accept-claims",
        action="store_true",
        default=False,
        help="take the claims of the pages named (else of every page) into the claims lock",
    )
    parser.addini(
        "docproof_roots",
        type="linelist",
        default=["docs", "specs", "runbooks"],
        help="page roots (rootdir-relative) whose .md files docproof collects",
    )
    parser.addini(
        LOCK_SETTING,
        default="",
        help="the claims lock file (rootdir-relative); empty: no lock is kept",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("markdowndocs", default=False):
        raise pytest.UsageError("docproof collects Markdown pages itself; drop --markdown-docs")
    if config.getoption("dist", default="no") in ("loadgroup", "each"):
        raise pytest.UsageError(
            "docproof keeps each page on one worker: use -n N with the "
            "default scheduling, --dist loadfile or --dist loadscope"
        )
    rootdir = config.rootpath.resolve()
    report = config.getoption("docproof_report") or rootdir / ".docproof" / "report.json"
    invoked = config.invocation_params.dir
    stream = page_stream(config)
    explicit = [(invoked / arg.split("::")[0]).resolve() for arg in config.args]
    config.stash[STATE_KEY] = SessionState(
        rootdir=rootdir,
        roots=[(rootdir / root).resolve() for root in config.getini("docproof_roots")],
        explicit=[path for path in explicit if path.suffix == ".md"],
        update=bool(config.getoption("docproof_update")),
        report_path=(invoked / report).resolve(),
        inner=stream is not None,
        lock_path=rootdir / config.getini(LOCK_SETTING) if config.getini(LOCK_SETTING) else None,
        inner_claims=stream.claims if stream is not None else frozenset(),
        plugins=plugin_args(config.invocation_params.args),
    )
    state = config.stash[STATE_KEY]
    if not state.inner:
        state.figures = config.hook.pytest_docproof_figures()
    if config.getoption("accept_claims") and stream is None and not hasattr(config, "workerinput"):
        try:
            state.updated.extend(accept_claims(state))
        except (ValueError, PageError) as error:
            raise pytest.UsageError(str(error)) from None
    if not state.inner:
        # A page's own session streams its outcomes outward (PageStream); the session that
        # started it records them and writes the report.
        config.pluginmanager.register(Reporter(state), "docproof-reporter")
    config.pluginmanager.register(PythonBlocks(_page_run), "docproof-python-blocks")


def pytest_unconfigure(config: pytest.Config) -> None:
    if STATE_KEY in config.stash:
        session_state(config).close()  # the page server, if one was started


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DocproofPage | None:
    if file_path.suffix != ".md":
        return None
    state = session_state(parent.config)
    if parent.session.isinitpath(file_path) or state.is_page(file_path):
        page: DocproofPage = DocproofPage.from_parent(parent, path=file_path)
        return page
    return None


def _page_run(item: pytest.Item) -> PageRun:
    """The run of the page ``item`` belongs to (raises the page's setup failure, if any)."""
    page = item.parent
    assert isinstance(page, DocproofPage)
    return page.page_run()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    if isinstance(item.parent, DocproofPage):
        item.parent.current = item
    try:
        return (yield)
    finally:
        # The page is set up now: its world's tools go with this block into the report.
        run = item.parent.run if isinstance(item.parent, DocproofPage) else None
        if run is not None and run.world is not None and run.world.tools:
            item.user_properties.append((TOOLS, json.dumps(run.world.tools)))


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Keep a page's blocks together and in order: xdist's default becomes loadfile."""
    if config.getoption("dist", default="no") in ("load", "worksteal"):
        from xdist.scheduler import LoadFileScheduling  # type: ignore[import-untyped]

        return LoadFileScheduling(config, log)
    return None


class Reporter:
    """Gathers block outcomes (from workers too, under xdist) and writes the report."""

    def __init__(self, state: SessionState) -> None:
        self.state = state
        self.summary: str | None = None
        self.checkout: str | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if UPDATED in props and report.when == "teardown":
            self.state.updated.extend(json.loads(str(props[UPDATED])))
        if PROPERTY not in props:
            return
        status = _STATUS[report.outcome]
        if report.when != "call" and status == "pass":
            return
        fields: dict[str, Any] = json.loads(str(props[PROPERTY]))
        reason = fields["reason"]
        if status == "fail":
            reason = _headline(report.longreprtext)
        elif status == "skip" and not reason and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        record = BlockRecord(
            fields["file"],
            fields["line"],
            fields["lang"],
            status,
            reason,
            round(report.duration, 3),
            fields["claim"],
            json.loads(str(props.get(TOOLS, "{}"))),
        )
        known = self.state.records.get(report.nodeid)
        self.state.records[report.nodeid] = known.merge(record) if known else record

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Replace the last run's report at once: a run killed outright must not leave an
        # older report looking current.
        if not self._writes(session.config):
            return
        self.state.unfinished = "the run did not finish (killed, or still running)"
        # The checkout as this run finds it: a later run may reuse the report while the
        # content is unchanged (docproof.freshness); edits made during the run make it stale.
        self.checkout = checkout_tree(session.config.rootpath)
        self._write(session)
        signal.signal(signal.SIGTERM, _interrupt)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self._writes(session.config):
            return
        self.state.unfinished = _unfinished(session, exitstatus)
        self._write(session)

    def _writes(self, config: pytest.Config) -> bool:
        # Only the controller writes: not an xdist worker, not a page's sandboxed session.
        return not hasattr(config, "workerinput") and not self.state.inner

    def _write(self, session: pytest.Session) -> None:
        unfinished = self.state.unfinished
        extra: dict[str, object] = {"complete": unfinished is None}
        if unfinished is not None:
            extra["incomplete_reason"] = f"{unfinished}; {len(self.state.records)} blocks ran"
        report = build_report(
            self.state.records.values(),
            self.state.declared().values(),
            {**extra, "network_isolation": self.state.isolation(),
             "every_block": self.state.covers_every_block(), "checkout": self.checkout,
             **provenance(session.config.rootpath)},
        )
        write_report(self.state.report_path, report)
        self.summary = summary_line(report)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self._writes(terminalreporter.config):
            return
        for line in sorted(self.state.updated):
            terminalreporter.write_line(f"docproof: {line}")
        blocks = len(self.state.records)
        terminalreporter.write_line(f"docproof: {blocks} blocks -> {self.state.report_path}")
        if blocks and not self.state.sandboxed():
            terminalreporter.write_line(
                "docproof: pages ran in this process, without a sandbox of their own "
                f"(creating namespaces needs root); isolation: {self.state.isolation()}",
                yellow=True,
            )
        if self.state.unfinished is not None:
            terminalreporter.write_line(
                f"docproof: report marked INCOMPLETE: {self.state.unfinished}", red=True, bold=True
            )

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        # After pytest's own totals: the run ends saying what it verified.
        terminal = config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None and self.summary and self.state.records:
            terminal.write_line(self.summary)


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM ends the run like Ctrl-C, so the report is written and marked incomplete.
    raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")


def _unfinished(session: pytest.Session, exitstatus: int) -> str | None:
    """Why the run stopped before running every collected block, or None if it did not."""
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        return f"interrupted ({session.shouldstop or session.shouldfail or 'stopped'})"
    if session.shouldfail or session.shouldstop:
        return f"stopped early ({session.shouldfail or session.shouldstop})"
    if exitstatus in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        return f"ended with {pytest.ExitCode(exitstatus).name}"
    return None


def summary_line(report: dict[str, Any]) -> str:
    """What the run verified, in one line: block outcomes, skips' reasons, claims verified."""
    summary, blocks = report["summary"], report["blocks"]
    unexplained = sum(1 for b in blocks if b["status"] == "skip" and not b["reason"])
    why = "all with reasons" if not unexplained else f"{unexplained} without a reason"
    return (f"docproof: {summary['pass']} passed, {summary['fail']} failed, "
            f"{summary['skip']} skipped ({why}); "
            f"claims {summary['claims_pass']}/{summary['claims']} verified")


def _headline(text: str) -> str:
    """The ``file.md:line: message`` line of a failure (xdist puts a worker line first)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    located = [line for line in lines if _LOCATED.match(line)]
    return (located or lines or [""])[0]
