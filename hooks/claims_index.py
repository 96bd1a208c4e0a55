"""Collect every claim, refuse unknown or duplicate ids, and generate the claims index page.

A claim is declared by `<!-- claim: area.name -->` on the line before its sentence and checked
by fences carrying `claim="area.name"`. The index (published at /claims/) lists every declared
claim and every claim of the verification report with its page, checks and status.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from _layout import CLAIMS_PAGE
from _report import STATUS_WORDS, Report, load_report
from docproof.authoring import ClaimIdError, Page, index_claims, parse_page
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


# Validate claims across all pages and add the generated index page.
def on_files(files: Files, config: MkDocsConfig) -> Files:
    try:
        pages = [parse_page(f.content_string, Path(f.src_uri))
                 for f in sorted(files.documentation_pages(), key=lambda f: f.src_uri)]
        claims = _declared(pages)
        _attach_checks(claims, pages)
    except PageError as error:
        raise PluginError(str(error)) from error
    index = File.generated(config, CLAIMS_PAGE, content=_index(claims, load_report(config)))
    index.dest_uri = "claims/index.html"
    files.append(index)
    return files


def _declared(pages: list[Page]) -> dict[str, _Claim]:
    # Every declaration, refusing an id declared twice.
    found = index_claims(claim for page in pages for claim in page.claims)
    if found.duplicates:
        raise found.duplicates[0]
    return {c.id: _Claim(c.id, c.path.as_posix(), c.line, c.text) for c in found.declared.values()}


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


def _index(claims: dict[str, _Claim], report: Report | None) -> str:
    # The Markdown of the claims index page.
    stale = sorted(set(report.claims) - set(claims)) if report else []
    lines = ["# Claims", "", _provenance(report), ""]
    if not claims and not stale:
        return "\n".join([*lines, "No page declares a claim yet.", ""])
    lines += ["| Claim | Page | Checks | Status |", "| --- | --- | --- | --- |"]
    lines += [f"| [`{c.id}`](#{c.id}) | [{c.file}]({_link(c.file)}#claim-{c.id}) "
              f"| {len(c.checks)} | {_claim_status(c.id, report)} |" for c in claims.values()]
    lines.append("")
    for claim in claims.values():
        lines += _section(claim, report)
    if report and stale:
        lines += ["## In the report, declared nowhere", "",
                  "The report predates the pages: re-run the verification.", ""]
        lines += [f"- `{cid}` ({report.claims[cid].file}:{report.claims[cid].line}): "
                  f"{_claim_status(cid, report)}" for cid in stale]
    return "\n".join(lines) + "\n"


def _section(claim: _Claim, report: Report | None) -> list[str]:
    # One claim: its sentence, where it is declared, its checks and status.
    page = _link(claim.file)
    text = _rebase_links(claim.text, claim.file) if claim.text else "(no sentence)"
    lines = [f"## `{claim.id}` {{ #{claim.id} }}", "", f"> {text}", "",
             f"- Declared: [{claim.file}:{claim.line}]({page}#claim-{claim.id})",
             f"- Status: **{_claim_status(claim.id, report)}**"]
    if not claim.checks:
        lines.append("- Checks: none; no code block carries this claim")
    else:
        lines.append("- Checks:")
        for file, line in claim.checks:
            block = report.block(file, line) if report else None
            word = STATUS_WORDS[block.status if block else None]
            lines.append(f"    - [{file}:{line}]({_link(file)}#docproof-L{line}): {word}")
    return [*lines, ""]


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
