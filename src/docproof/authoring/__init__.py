"""The one grammar of a page, pytest-free: read by the runner and by the site's hooks.

Front matter (``world:``), fences in brace form with their options, ``<!-- claim: id -->``
markers with their paragraph (a warning admonition is a claim too), runbooks'
``symptoms:``, the reserved rows of the generated cluster-facts table, fences hidden from
Markdown (indented under admonitions or tabs), the console transcript format (``$ ``
commands, ``> `` continuations, output), and the one rule for claim
ids with the one place duplicate ids are found.
"""

from docproof.authoring.admonitions import WARNING_KINDS
from docproof.authoring.claims import Claim, ClaimIndex, claim_id_problem, index_claims
from docproof.authoring.fact_tables import CLUSTER_FACT_LABELS
from docproof.authoring.options import (
    DEFAULT_TIMEOUT_S,
    EXECUTABLE,
    ILLUSTRATION,
    ClaimIdError,
    FenceOptions,
    OptionError,
    parse_fence_info,
)
from docproof.authoring.page import (
    FRONT_MATTER_KEYS,
    NO_WORLD,
    Block,
    HiddenFenceError,
    Page,
    find_blocks,
    parse_page,
    read_page,
)
from docproof.authoring.symptoms import OBSERVED, WHERE, Symptom
from docproof.console import Command, ConsoleSyntaxError, parse_console

__all__ = [
    "CLUSTER_FACT_LABELS",
    "DEFAULT_TIMEOUT_S",
    "EXECUTABLE",
    "FRONT_MATTER_KEYS",
    "ILLUSTRATION",
    "NO_WORLD",
    "OBSERVED",
    "WARNING_KINDS",
    "WHERE",
    "Block",
    "Claim",
    "ClaimIdError",
    "ClaimIndex",
    "Command",
    "ConsoleSyntaxError",
    "FenceOptions",
    "HiddenFenceError",
    "OptionError",
    "Page",
    "Symptom",
    "claim_id_problem",
    "find_blocks",
    "index_claims",
    "parse_console",
    "parse_fence_info",
    "parse_page",
    "read_page",
]
