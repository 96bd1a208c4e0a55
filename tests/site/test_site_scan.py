"""Reading page sources: fences (with their source lines) and claim declarations."""

from __future__ import annotations

import sys

import pytest
from site_project import REPO

sys.path.insert(0, str(REPO / "hooks"))
from _scan import ScanError, claim_declarations, claim_id_of, scan_fences

PAGE = """\
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

```text
plain
```
"""


def test_fences_are_found_with_lines_options_and_nesting() -> None:
    fences = scan_fences(PAGE)
    assert [(f.line, f.end_line, f.lang, f.indent) for f in fences] == [
        (7, 11, "markdown", ""), (14, 16, "bash", "    "), (18, 20, "text", "")
    ]
    assert fences[1].options == {"notest": "talks to GitHub"}
    assert fences[1].is_brace_form and not fences[2].is_brace_form


def test_claims_are_declared_outside_fences_with_their_sentence() -> None:
    [claim] = claim_declarations(PAGE, "specs/x.md")
    assert (claim.id, claim.line, claim.text) == (
        "storage.durable", 3, "A write is durable once `origin` has it."
    )


@pytest.mark.parametrize(
    "line", ["<!-- claim storage.x -->", "<!-- claim: Storage X -->", "<!-- claim: -->"]
)
def test_malformed_claim_comments_are_errors(line: str) -> None:
    with pytest.raises(ScanError, match=r"^specs/x\.md:9: "):
        claim_id_of(line, "specs/x.md:9")


def test_other_comments_are_not_claims() -> None:
    assert claim_id_of("<!-- claims are below -->", "x") is None
    assert claim_id_of("<!-- note: claim: x -->", "x") is None
