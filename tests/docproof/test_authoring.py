"""The page grammar: fences with source lines, hidden fences, claim markers, claim ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from docproof.authoring import (
    ClaimIdError,
    HiddenFenceError,
    claim_id_problem,
    find_blocks,
    index_claims,
    parse_page,
)
from docproof.errors import PageError

PAGE = """\
---
world: fresh
---
# Title

<!-- claim: storage.durable -->
A write is durable once
`origin` has it.

````{.markdown}
```{.python}
<!-- claim: not.a.claim -->
```
````

!!! note
    ~~~{.bash notest="talks to GitHub"}
    echo ${#A[@]}
    ~~~

```{.console claim=storage.durable timeout=5}
$ echo hi
hi
```
"""
SHOWN = Path("specs/x.md")


def test_blocks_keep_source_lines_front_matter_included() -> None:
    page = parse_page(PAGE, SHOWN)
    assert page.world == "fresh"
    found = [(b.line, b.end_line, b.lang, b.indent, b.marker) for b in page.blocks]
    assert found == [
        (10, 14, "markdown", 0, "````"),
        (17, 19, "bash", 4, "~~~"),
        (21, 24, "console", 0, "```"),
    ]


def test_a_fence_nested_in_an_admonition_is_hidden_with_an_error() -> None:
    hidden = parse_page(PAGE, SHOWN).blocks[1]
    assert hidden.options is None
    assert isinstance(hidden.error, HiddenFenceError)
    assert "indented by 4" in str(hidden.error)


def test_option_values_may_be_quoted_or_bare() -> None:
    options = parse_page(PAGE, SHOWN).blocks[2].options
    assert options is not None
    assert (options.claim, options.timeout_s) == ("storage.durable", 5.0)


def test_claims_are_markers_outside_fences_with_their_paragraph() -> None:
    [claim] = parse_page(PAGE, SHOWN).claims
    assert (claim.id, claim.path, claim.line, claim.text) == (
        "storage.durable", SHOWN, 6, "A write is durable once `origin` has it."
    )


def test_find_blocks_reads_text_without_front_matter() -> None:
    body = PAGE.split("---\n", 2)[2]
    assert [b.line for b in find_blocks(body, SHOWN)] == [7, 14, 18]


@pytest.mark.parametrize("claim_id", ["storage.x", "a", "durability.lost-on-pod-delete", "9.b-2"])
def test_dotted_lowercase_words_are_claim_ids(claim_id: str) -> None:
    assert claim_id_problem(claim_id) is None


@pytest.mark.parametrize("claim_id", ["a_b", "a..b", ".a", "a.", "A.b", "a.-b", "", "a b"])
def test_anything_else_is_not_a_claim_id(claim_id: str) -> None:
    assert claim_id_problem(claim_id) is not None


@pytest.mark.parametrize(
    "line",
    ["<!-- claim storage.x -->", "<!-- claim: Storage X -->", "<!-- claim: -->",
     "<!-- claim: a_b -->", "<!-- claim: a..b -->", "<!-- claim: a.b"],
)
def test_malformed_claim_markers_fail_the_page_at_their_line(line: str) -> None:
    with pytest.raises(PageError, match=r"^specs/x\.md:3: "):
        parse_page(f"# T\n\n{line}\nA sentence.\n", SHOWN)


def test_other_comments_are_not_claims() -> None:
    text = "<!-- claims are below -->\n\n<!-- note: claim: x -->\nText.\n"
    assert parse_page(text, SHOWN).claims == ()


def test_a_bad_claim_option_is_a_claim_id_error_of_its_block() -> None:
    [block] = parse_page("```{.console claim=a_b}\n$ true\n```\n", SHOWN).blocks
    assert isinstance(block.error, ClaimIdError)
    assert "'a_b'" in str(block.error)


def test_duplicates_name_the_first_declaration() -> None:
    first = parse_page("<!-- claim: a.b -->\nOne.\n", Path("a.md")).claims
    again = parse_page("# T\n\n<!-- claim: a.b -->\nTwo.\n", Path("b.md")).claims
    index = index_claims([*first, *again])
    assert index.declared["a.b"].path == Path("a.md")
    [duplicate] = index.duplicates
    assert str(duplicate) == "b.md:3: claim 'a.b' is already declared at a.md:1"
    assert index.duplicates_in(Path("a.md")) == []
    assert index_claims([*first, *first]).duplicates == ()
