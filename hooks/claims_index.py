"""Collect every claim, refuse unknown or duplicate ids, and generate the claims index page.

The claims also meet the page grammar's claim rules (each checked on its page, no bare
figures in its sentence) and agree with the claims lock, exactly as a page run requires:
a strict build fails on the same `file.md:line` messages.

A claim is declared by `<!-- claim: area.name -->` on the line before its sentence and checked
by fences carrying `claim="area.name"`. The index (published at /claims/) opens with the
totals, then groups the claims by page, each with its sentence, status, checks and a link to
it on its page; claims of the verification report declared nowhere come last.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from _layout import CLAIMS_PAGE, repo_root
from _pages import parsed_page
from _report import STATUS_WORDS, Report, load_report
from _sensitivity import Sensitivity, drift_sentence, load_sensitivity
from docproof.authoring import (
    ClaimIdError,
    ClaimsLock,
    Page,
    as_written,
    claim_problems,
    configured_lock,
    index_claims,
)
from docproof.errors import PageError

_CLAIMS_DIR = posixpath.dirname(CLAIMS_PAGE)
_MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass
class _Claim:
    id: str
    file: str
    line: int
    text: str
    checks: list[tuple[str, int]] = field(default_factory=list)
    drifts: str | None = None  # what the sensitivity run showed (hooks/_sensitivity.py)


# Validate claims across all pages and add the generated index page.
def on_files(files: Files, config: MkDocsConfig) -> Files:
    try:
        pages = [parsed_page(f.content_string, f.src_uri)
                 for f in sorted(files.documentation_pages(), key=lambda f: f.src_uri)]
        claims = _declared(pages, load_sensitivity(config))
        _attach_checks(claims, pages)
        problems = _claim_problems(pages, repo_root(config))
    except PageError as error:
        raise PluginError(str(error)) from error
    if problems:
        raise PluginError("\n".join(str(problem) for problem in problems))
    titles = {f.src_uri: page_title(f.content_string, f.src_uri)
              for f in files.documentation_pages()}
    index = File.generated(config, CLAIMS_PAGE,
                           content=_index(claims, load_report(config), titles))
    index.dest_uri = "claims/index.html"
    files.append(index)
    return files


def _declared(pages: list[Page], drifts: Sensitivity | None) -> dict[str, _Claim]:
    # Every declaration, refusing an id declared twice.
    found = index_claims(claim for page in pages for claim in page.claims)
    if found.duplicates:
        raise found.duplicates[0]
    return {c.id: _Claim(c.id, c.path.as_posix(), c.line, c.text,
                         drifts=drift_sentence(c, drifts))
            for c in found.declared.values()}


def _claim_problems(pages: list[Page], root: Path) -> list[PageError]:
    # The claim rules and the claims lock, as the runner applies them; the figures' written
    # values are compared with the model by the `fact` macro when the page renders.
    lock_path = configured_lock(root)
    lock = ClaimsLock.read(lock_path, lock_path.relative_to(root).as_posix()) if lock_path else None
    declared = {claim.id for page in pages for claim in page.claims}
    problems = []
    for page in pages:
        problems += claim_problems(page)
        if lock is not None:
            problems += lock.problems(page, declared)
    return problems


def _attach_checks(claims: dict[str, _Claim], pages: list[Page]) -> None:
    # Link each fence's claim option to its claim, refusing bad or undeclared ids.
    for page in pages:
        for block in page.blocks:
            if isinstance(block.error, ClaimIdError):
                raise PageError(page.path, block.line, str(block.error))
            claim_id = block.options.claim if block.options else None
            if claim_id is None:
                continue
            if claim_id not in claims:
                raise PageError(page.path, block.line,
                                f"unknown claim id {claim_id!r}; declare it with "
                                f"<!-- claim: {claim_id} --> before its sentence")
            claims[claim_id].checks.append((page.path.as_posix(), block.line))


def _index(claims: dict[str, _Claim], report: Report | None,
           titles: dict[str, str]) -> str:
    # The Markdown of the claims index page: totals, then one collapsible group per page.
    stale = sorted(set(report.claims) - set(claims)) if report else []
    # No table of contents: ninety claim ids would drown it; the groups are the overview.
    lines = ["---", "hide:", "  - toc", "---", "# Claims", "", _provenance(report), ""]
    if not claims and not stale:
        return "\n".join([*lines, "No page declares a claim yet.", ""])
    lines += [_totals(list(claims.values()), report), ""]
    by_page: dict[str, list[_Claim]] = {}
    for claim in claims.values():
        by_page.setdefault(claim.file, []).append(claim)
    for file, group in by_page.items():
        lines += _group(titles.get(file, file), group, report)
    if report and stale:
        lines += ["## In the report, declared nowhere", "",
                  "The report predates the pages: re-run the verification.", ""]
        lines += [f"- `{cid}` ({report.claims[cid].file}:{report.claims[cid].line}): "
                  f"{_claim_status(cid, report)}" for cid in stale]
    return "\n".join(lines) + "\n"


def _statuses(claims: list[_Claim], report: Report | None) -> dict[str | None, int]:
    # Claims per report status (None: not in the report), in the order they are shown.
    counts: dict[str | None, int] = {"pass": 0, "fail": 0, "unchecked": 0, None: 0}
    for claim in claims:
        result = report.claims.get(claim.id) if report else None
        counts[result.status if result else None] += 1
    return counts


def _tally(claims: list[_Claim], report: Report | None) -> str:
    # "28 verified, 2 failing": the non-zero status counts.
    counts = _statuses(claims, report)
    return ", ".join(f"{n} {STATUS_WORDS[status]}" for status, n in counts.items() if n)


def _totals(claims: list[_Claim], report: Report | None) -> str:
    # The line at the top: how many claims, on how many pages, and how they stand.
    pages = len({claim.file for claim in claims})
    counts = _statuses(claims, report)
    return (f'<p class="docproof-claims-totals" data-claims="{len(claims)}" '
            f'data-verified="{counts["pass"]}" data-failing="{counts["fail"]}">'
            f"<strong>{len(claims)} claims</strong> on {pages} page{'s' * (pages != 1)}: "
            f"{html.escape(_tally(claims, report))}.</p>")


def _group(title: str, claims: list[_Claim], report: Report | None) -> list[str]:
    # One page's claims in a details block, open when one of them fails.
    failing = _statuses(claims, report)["fail"] > 0
    summary = f"{title}: {len(claims)} claim{'s' * (len(claims) != 1)}, {_tally(claims, report)}"
    lines = [f'{"???+" if failing else "???"} docproof-claims-group "{_quoted(summary)}"', ""]
    for claim in claims:
        lines += ["    " + line if line else "" for line in _entry(claim, report)]
    return [*lines, ""]


def _entry(claim: _Claim, report: Report | None) -> list[str]:
    # One claim: its id (the anchor pages link to), sentence, status, checks, where it is.
    result = report.claims.get(claim.id) if report else None
    status = result.status if result else "none"
    page = _link(claim.file)
    text = _rebase_links(as_written(claim.text), claim.file) if claim.text else "(no sentence)"
    checks = [f"[{n}]({_link(file)}#docproof-L{line})"
              for n, (file, line) in enumerate(claim.checks, 1)]
    count = f"{len(checks)} check{'s' * (len(checks) != 1)}"
    return [f"### `{claim.id}` {{ #{claim.id} .docproof-claim-status-{status} }}", "",
            text, "",
            f"**{_claim_status(claim.id, report)}** · "
            + (f"{count}: {' '.join(checks)}" if checks else "no checks")
            + f" · [read it on its page]({page}#claim-{claim.id})", "",
            *([f'<p class="docproof-claim-drifts">{html.escape(claim.drifts)}</p>', ""]
              if claim.drifts else [])]


def _quoted(text: str) -> str:
    # Text inside a details title's double quotes.
    return text.replace('"', "'")


def page_title(markdown: str, file: str) -> str:
    """A page's first level-1 heading, or its path when it has none."""
    match = re.search(r"^# (.+)$", markdown, re.MULTILINE)
    return match.group(1).strip() if match else file


def _claim_status(claim_id: str, report: Report | None) -> str:
    # Status word of a claim according to the report.
    if report is None:
        return STATUS_WORDS[None]
    result = report.claims.get(claim_id)
    return STATUS_WORDS[result.status] if result else "not in the report"


def _provenance(report: Report | None) -> str:
    # One sentence on where the statuses come from.
    if report is None:
        return ("Statuses: **not verified**; no verification report was found when this site "
                "was built (run `nox -s docs`).")
    commit = f"commit `{report.commit}`" if report.commit else "an unrecorded commit"
    sentence = f"Statuses from the verification of {commit} at {report.verified_at}."
    if report.incomplete:
        sentence = (f"**Incomplete verification** ({report.incomplete}): claims whose blocks "
                    f"did not run show as unchecked. {sentence}")
    return sentence


def _rebase_links(text: str, page: str) -> str:
    # A claim's sentence keeps its links: relative ones now start from the index page.
    def rebase(match: re.Match[str]) -> str:
        target = match.group(1)
        if _EXTERNAL.match(target) or target.startswith("/"):
            return match.group(0)
        if target.startswith("#"):
            return f"]({_link(page)}{target})"
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        return f"]({_link(resolved)}{'#' + anchor if anchor else ''})"

    return _MARKDOWN_LINK.sub(rebase, text)


def _link(page: str) -> str:
    # Relative link from the index page to a page, resolved by mkdocs like any other link.
    return posixpath.relpath(page, _CLAIMS_DIR)
