"""Show each code block's verification status, claim chips and a verification footer.

Runs before mkdocs-macros, on the page as written, so fence line numbers are those of the
source file: the key the verification report uses. Each fence gets an id (docproof-L<line>)
and data-docproof-* attributes; the stylesheet draws the badge from them. Console blocks get
`data-copy` (their commands only, for the copy button); Python blocks, the verification
code, fold into collapsed panels (hooks/_check_panels.py).
"""

from __future__ import annotations

import html
import posixpath
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from _check_panels import find_panels, fold
from _copy_text import console_commands, copy_attribute
from _layout import CLAIMS_PAGE
from _pages import parsed_page
from _report import Report, load_report
from _sensitivity import drift_sentence, load_sensitivity
from docproof.authoring import Block, Claim
from docproof.errors import PageError

# Fences that are pictures, not code; the report has nothing to say about them.
_NOT_CODE = frozenset({"mermaid"})
_UNSAFE_IN_ATTRIBUTE = str.maketrans({'"': "'", "{": "(", "}": ")", "\n": " "})


# Before macros (priority 0) and the macro guard (50): the text is still the source file's.
@event_priority(100)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    src = page.file.src_uri
    source = page.file.content_string
    offset = _front_matter_lines(source, markdown, src)
    try:
        parsed = parsed_page(source, src)
    except PageError as error:
        raise PluginError(str(error)) from error
    report = load_report(config)
    lines = markdown.splitlines()
    fences = [b for b in parsed.blocks if b.lang not in _NOT_CODE]
    for fence in fences:
        index = fence.line - offset - 1
        lines[index] = _annotated(fence, _indent(lines[index]), src, report)
    drifts = load_sensitivity(config) if parsed.claims else None
    for claim in parsed.claims:
        index = claim.line - offset - 1
        chip = _claim_chip(claim, _indent(lines[index]), src, drift_sentence(claim, drifts))
        lines[index] = chip
    lines = fold(lines, find_panels(fences, lines, offset, src, report))
    if fences or parsed.claims:
        lines += ["", _footer(report, src)]
    return "\n".join(lines) + "\n"


def _front_matter_lines(source: str, markdown: str, src: str) -> int:
    # Lines mkdocs removed from the top of the file (front matter).
    if not source.endswith(markdown):
        raise PluginError(f"{src}: page text was changed before the verification-status hook "
                          "ran; it must see the source file (check plugin priorities)")
    return source[: len(source) - len(markdown)].count("\n")


def _indent(line: str) -> str:
    # The whitespace a line starts with.
    return line[: len(line) - len(line.lstrip())]


def _annotated(fence: Block, indent: str, src: str, report: Report | None) -> str:
    # The fence's opening line with an id and data-docproof-* attributes added.
    line = fence.line
    attrs = [f"#docproof-L{line}"]
    result = report.block(src, line) if report else None
    if result is not None and result.lang not in ("", fence.lang):
        result = None  # the report describes an older version of this page
    if result is not None:
        attrs.append(f'data-docproof-status="{result.status}"')
        if result.reason:
            attrs.append(f'data-docproof-reason="{_attribute(result.reason)}"')
    else:
        why = "no verification report" if report is None else "not in the verification report"
        attrs.append(f'data-docproof-unverified="{why}"')
    commands = console_commands(fence)
    if commands is not None:
        attrs.append(copy_attribute(commands))
    brace = re.match(r"^\{(?P<body>.*)\}$", fence.info)
    body = brace.group("body").strip() if brace else _brace_body(fence, src)
    return f"{indent}{fence.marker}{{{body} {' '.join(attrs)}}}"


def _brace_body(fence: Block, src: str) -> str:
    # The brace-form body for a plain ```lang fence; anything richer must use brace form.
    words = fence.info.split()
    if len(words) > 1:
        raise PluginError(f"{src}:{fence.line}: write fence options in brace form, "
                          f"```{{.{words[0]} ...}}, not {fence.info!r}")
    return f".{words[0]}" if words else ".text"


def _attribute(text: str) -> str:
    # Text safe inside a double-quoted fence attribute.
    return html.escape(text.translate(_UNSAFE_IN_ATTRIBUTE), quote=False)


def _claim_chip(claim: Claim, indent: str, src: str, drifts: str | None) -> str:
    # A claim comment line becomes a visible chip linking to the claims index; its title
    # says which drifts of the world were shown to break the claim's checks.
    index = posixpath.relpath(CLAIMS_PAGE, posixpath.dirname(src))
    title = f' title="{_attribute(drifts)}"' if drifts else ""
    return (f"{indent}[{claim.id}]({index}#{claim.id})"
            f"{{ #claim-{claim.id} .docproof-claim{title} }}")


def _footer(report: Report | None, src: str) -> str:
    # The page's verification footer (raw HTML, so the theme's Markdown rules don't apply).
    if report is None:
        text = ("<strong>Not verified</strong>: this site was built without a verification "
                "report (<code>.docproof/report.json</code>).")
    else:
        when = html.escape(report.verified_at)
        text = (f"Verified at commit <code>{html.escape(report.commit)}</code>, {when}."
                if report.commit else f"Verified {when}; the report does not record the commit.")
        for tool, versions in report.verified_with(src).items():
            shown = html.escape(versions[0])
            if len(versions) > 1:
                shown += f"&ndash;{html.escape(versions[-1])}"
            text += f" Verified with {html.escape(tool)} {shown}."
        if report.incomplete:
            text = (f"<strong>Incomplete verification</strong> ({html.escape(report.incomplete)}): "
                    f"blocks not in the report did not run. {text}")
    return f'<p class="docproof-footer">{text}</p>'

