"""Apply generic doc edits page by page and report how many the page run catches.

Each edit is what a docs maintainer might do to one page without touching its checks' meaning
on purpose: a figure in a claim sentence changed, a claim sentence negated, a claim's only
check unmarked, a Python check's last assert deleted, a warning admonition removed, a
backticked value in a hand-written fact table changed (the cluster facts are generated, so
only a table the page writes itself can be edited), a symptom-table link pointed at another
runbook (the table is generated from each runbook's `symptoms:`, so the edit moves another
runbook's symptom into this runbook's front matter). Every edit is applied alone to a fresh
copy of its page under specs/, runbooks/ and docs/operations/. An edit is caught when the
page run fails: first by the rules a page run applies before any block runs (the same
functions, docproof.authoring's claim rules and claims lock, with the model's figures);
with --run-uncaught, an edit those pass is run for real (`pytest PAGE` on a copy of the
project). --confirm N also runs the first N caught edits for real and stops if one passes.

    python scripts/mutate_docs.py [--kinds K,...] [--run-uncaught] [--confirm N] [--json F]

"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from docproof.authoring import (
    WARNING_KINDS,
    Block,
    Claim,
    ClaimsLock,
    Page,
    claim_problems,
    configured_lock,
    parse_page,
)
from docproof.errors import PageError
from podsim.scenarios.export import model_figures

REPO = Path(__file__).resolve().parent.parent
PAGES = ("specs", "runbooks", "docs/operations")
TARGET = 0.9


@dataclass(frozen=True)
class Mutation:
    kind: str
    page: str
    line: int  # where the edit is, 1-based
    what: str
    text: str  # the whole edited page


Mutator = Callable[[str, str, Page], Iterator[Mutation]]


# ---- edit kinds -----------------------------------------------------------------------------

_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve"]
_FIGURE = re.compile(r"\b(?:\d+|" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
# Negations, tried in order on the claim's sentence (outside code spans).
_NEGATIONS = [(r"\bis not\b", "is"), (r"\bare not\b", "are"), (r"\bdoes not\b", "does"),
              (r"\bdo not\b", "do"), (r"\bcannot\b", "can"), (r"\bnever\b", "always"),
              (r"\bkeeps\b", "loses"), (r"\bkept\b", "wiped"), (r"\bloses\b", "keeps"),
              (r"\blost\b", "kept"), (r"\bno\b", "a"), (r"\bis\b", "is not"),
              (r"\bare\b", "are not")]


def _paragraph(lines: list[str], claim: Claim) -> range:
    # 0-based indexes of the claim's sentence lines (the paragraph after its marker).
    start = claim.line
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return range(start, end)


def _outside_code(line: str, position: int) -> bool:
    return line[:position].count("`") % 2 == 0


def number_changed(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """The first figure of each claim sentence that has one: a number one higher."""
    lines = text.splitlines()
    for claim in parsed.claims:
        for index in _paragraph(lines, claim):
            match = _FIGURE.search(lines[index])
            if match is None:
                continue
            old = match.group(0)
            new = (str(int(old) + 1) if old.isdigit()
                   else _NUMBER_WORDS[(_NUMBER_WORDS.index(old.lower()) + 1) % 12])
            edited = lines[index][: match.start()] + new + lines[index][match.end():]
            yield _mutation("number-changed", page, lines, index, edited,
                            f"{claim.id}: {old!r} -> {new!r}")
            break


def sentence_negated(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """Each claim sentence says the opposite: its first negatable word flipped."""
    lines = text.splitlines()
    for claim in parsed.claims:
        paragraph = _paragraph(lines, claim)
        found = _negation(lines, paragraph)
        if found is None:
            index = paragraph[0]
            found = (index, "It is false that " + lines[index], "prefixed 'It is false that'")
        index, edited, how = found
        yield _mutation("sentence-negated", page, lines, index, edited, f"{claim.id}: {how}")


def _negation(lines: list[str], paragraph: range) -> tuple[int, str, str] | None:
    for pattern, replacement in _NEGATIONS:
        for index in paragraph:
            for match in re.finditer(pattern, lines[index]):
                if _outside_code(lines[index], match.start()):
                    line = lines[index]
                    edited = line[: match.start()] + replacement + line[match.end():]
                    return index, edited, f"{match.group(0)!r} -> {replacement!r}"
    return None


def only_check_unmarked(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """A claim checked by exactly one block: that block loses its claim= option."""
    lines = text.splitlines()
    for claim in parsed.claims:
        checks = [b for b in parsed.blocks if b.options and b.options.claim == claim.id]
        if len(checks) != 1:
            continue
        index = checks[0].line - 1
        edited = re.sub(r'\s*claim=(?:"[^"]*"|\S+?)(?=[\s}])', "", lines[index], count=1)
        yield _mutation("only-check-unmarked", page, lines, index, edited, claim.id)


def last_assert_deleted(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """Each Python check loses its last assert statement (all its lines)."""
    lines = text.splitlines()
    for block in parsed.blocks:
        if not (block.options and block.options.lang == "python" and block.options.claim):
            continue
        last = _last_assert(block)
        if last is None:
            continue
        first, end = block.line + last[0], block.line + last[1]  # 0-based, end exclusive
        kept = lines[:first] + lines[end:]
        what = f"{block.options.claim}: {lines[first].strip()[:60]!r}"
        yield Mutation("last-assert-deleted", page, first + 1, what, "\n".join(kept) + "\n")


def _last_assert(block: Block) -> tuple[int, int] | None:
    # (first line, end line) of the block body's last assert, 0-based within the body.
    try:
        tree = ast.parse(block.body)
    except SyntaxError:
        return None
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    if not asserts:
        return None
    node = max(asserts, key=lambda n: n.lineno)
    return node.lineno - 1, node.end_lineno or node.lineno


_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)[ \t]+(?:" + "|".join(WARNING_KINDS) + r")\b")
_TABLE_VALUE = re.compile(r"`([^`\n]+)`")


def warning_removed(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """Each danger/warning admonition loses its opener and its indented body."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not _ADMONITION.match(line):
            continue
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or lines[end].startswith("    ")):
            end += 1
        kept = lines[:index] + lines[end:]
        yield Mutation("warning-removed", page, index + 1, line.strip()[:60],
                       "\n".join(kept) + "\n")


def fact_table_value_changed(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """In each hand-written two-column table row (`| What | Value |`), the first backticked
    value of the second column changes."""
    lines = text.splitlines()
    fenced = {line for block in parsed.blocks
              for line in range(block.line - 1, block.line + block.body.count("\n") + 2)}
    for index, line in enumerate(lines):
        cells = line.strip().strip("|").split("|")
        if index in fenced or not line.lstrip().startswith("|") or len(cells) != 2:
            continue
        value = _TABLE_VALUE.search(cells[1])
        if value is None:
            continue
        edited = line.replace(f"`{value.group(1)}`", f"`{value.group(1)}-x`", 1)
        yield _mutation("fact-table-value-changed", page, lines, index, edited,
                        f"{cells[0].strip()}: {value.group(1)}")


def table_link_retargeted(page: str, text: str, parsed: Page) -> Iterator[Mutation]:
    """A symptom another runbook lists, moved into this runbook's `symptoms:` (the symptom
    table's link for it then points here)."""
    if not page.startswith("runbooks/") or not parsed.symptoms:
        return
    lines = text.splitlines()
    last = max(symptom.line for symptom in parsed.symptoms) - 1  # 0-based
    mine = {(s.where, s.text) for s in parsed.symptoms}
    for other in _pages(REPO):
        shown = other.relative_to(REPO).as_posix()
        if shown == page or not shown.startswith("runbooks/"):
            continue
        theirs = parse_page(other.read_text(encoding="utf-8"), Path(shown)).symptoms
        for symptom in theirs:
            if not symptom.observed or (symptom.where, symptom.text) in mine:
                continue
            moved = [*lines[: last + 1], f"  - {symptom.where}: {symptom.text}", *lines[last + 1:]]
            yield Mutation("table-link-retargeted", page, last + 2,
                           f"{shown}'s {symptom.where}: {symptom.text}", "\n".join(moved) + "\n")


def _mutation(kind: str, page: str, lines: list[str], index: int, edited: str,
              what: str) -> Mutation:
    changed = [*lines[:index], edited, *lines[index + 1:]]
    return Mutation(kind, page, index + 1, what, "\n".join(changed) + "\n")


MUTATORS: dict[str, Mutator] = {
    "number-changed": number_changed,
    "sentence-negated": sentence_negated,
    "only-check-unmarked": only_check_unmarked,
    "last-assert-deleted": last_assert_deleted,
    "warning-removed": warning_removed,
    "fact-table-value-changed": fact_table_value_changed,
    "table-link-retargeted": table_link_retargeted,
}


# ---- catching -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    caught: bool
    how: str  # the first failure line, or why it was not caught


class Checker:
    """The rules a page run applies before any block runs, for edited pages."""

    def __init__(self, repo: Path, *, use_lock: bool = True) -> None:
        self.use_lock = use_lock
        lock_path = configured_lock(repo)
        if lock_path is None:
            raise SystemExit(f"{repo}/pyproject.toml names no claims lock")
        self.lock = ClaimsLock.read(lock_path, lock_path.name)
        self.figures: Mapping[str, str] = model_figures(repo / "deploy")
        pages = [parse_page(p.read_text(encoding="utf-8"), p.relative_to(repo))
                 for p in _pages(repo)]
        self.declared = {claim.id for page in pages for claim in page.claims}

    def static(self, mutation: Mutation) -> Verdict:
        try:
            page = parse_page(mutation.text, Path(mutation.page))
        except PageError as error:
            return Verdict(True, str(error))
        problems = claim_problems(page, self.figures)
        if self.use_lock:
            problems += self.lock.problems(page, self.declared)
        if problems:
            return Verdict(True, str(problems[0]).splitlines()[0])
        return Verdict(False, "the rules applied before the blocks run pass")


def run_for_real(repo: Path, mutation: Mutation) -> Verdict:
    """`pytest PAGE` on the edited page in a copy of the project (glue, deploy/, scripts/,
    lock); caught when the run fails."""
    with tempfile.TemporaryDirectory(prefix="mutate-docs-") as scratch:
        root = Path(scratch)
        shutil.copy(repo / "conftest.py", root / "conftest.py")
        shutil.copytree(repo / "deploy", root / "deploy")
        shutil.copytree(repo / "scripts", root / "scripts")
        shutil.copy(repo / "claims.lock", root / "claims.lock")
        (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider -p no:benchmark"
                                         "\ndocproof_claims_lock = claims.lock\n")
        page = root / mutation.page
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(mutation.text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "--docproof-report",
                               str(root / "report.json"), str(page)], cwd=root,
                              capture_output=True, text=True, check=False,
                              env={"PYTHONPATH": str(root), "PATH": _path()})
    located = [line for line in done.stdout.splitlines() if re.match(r"^\S+\.md:\d+: ", line)]
    if done.returncode != 0:
        return Verdict(True, located[0] if located else f"pytest exited {done.returncode}")
    return Verdict(False, "the page run passes")


def _path() -> str:
    return os.environ.get("PATH", "")


def _pages(repo: Path) -> list[Path]:
    return sorted(p for root in PAGES for p in (repo / root).rglob("*.md"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default=",".join(MUTATORS),
                        help=f"edit kinds (default all: {', '.join(MUTATORS)})")
    parser.add_argument("--run-uncaught", action="store_true",
                        help="run the page for real when the static rules pass an edit")
    parser.add_argument("--confirm", type=int, default=0, metavar="N",
                        help="also run the first N caught edits for real; fail if one passes")
    parser.add_argument("--json", type=Path, help="write every edit and its verdict here")
    parser.add_argument("--without-lock", action="store_true",
                        help="leave the claims lock out (what the claim rules alone catch)")
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in MUTATORS]
    if unknown:
        parser.error(f"unknown kinds {unknown}; known: {', '.join(MUTATORS)}")
    checker = Checker(REPO, use_lock=not args.without_lock)
    results: list[tuple[Mutation, Verdict]] = []
    confirmed = 0
    for path in _pages(REPO):
        shown = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        parsed = parse_page(text, Path(shown))
        for kind in kinds:
            for mutation in MUTATORS[kind](shown, text, parsed):
                verdict = checker.static(mutation)
                if not verdict.caught and args.run_uncaught:
                    verdict = run_for_real(REPO, mutation)
                elif verdict.caught and confirmed < args.confirm:
                    confirmed += 1
                    real = run_for_real(REPO, mutation)
                    if not real.caught:
                        print(f"NOT CONFIRMED: {mutation.page}:{mutation.line} {mutation.kind} "
                              f"{mutation.what}: the static rules fail it but the page run "
                              "passes", file=sys.stderr)
                        return 2
                results.append((mutation, verdict))
                if not verdict.caught:
                    print(f"missed  {mutation.page}:{mutation.line} {mutation.kind}: "
                          f"{mutation.what}")
    return _report(results, kinds, args.json)


def _report(results: list[tuple[Mutation, Verdict]], kinds: list[str], out: Path | None) -> int:
    total = len(results)
    caught = sum(1 for _, verdict in results if verdict.caught)
    for kind in kinds:
        mine = [verdict for mutation, verdict in results if mutation.kind == kind]
        hit = sum(1 for verdict in mine if verdict.caught)
        print(f"{kind:22} {hit:4}/{len(mine):<4} caught")
    rate = caught / total if total else 0.0
    print(f"caught {caught}/{total} = {rate:.1%} (target {TARGET:.0%})")
    if out is not None:
        rows = [{**asdict(m), "text": None, **asdict(v)} for m, v in results]
        out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
