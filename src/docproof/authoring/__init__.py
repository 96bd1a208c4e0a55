"""The one grammar of a page, pytest-free: read by the runner and by the site's hooks.

Front matter (``world:``, runbooks' ``symptoms:``), fences in brace form with their
options, ``<!-- claim: id -->`` markers with their paragraph (a warning admonition is a claim
too), the reserved rows of the generated cluster-facts table, fences hidden from Markdown
(indented under admonitions or tabs), the console transcript format (``$ `` commands, ``> ``
continuations, output), the one rule for claim ids with the one place duplicate ids are
found, the rules every claim meets (checked, no bare figures) and the claims lock.
"""

from docproof.authoring.admonitions import WARNING_KINDS
from docproof.authoring.claim_rules import checked_claims, claim_problems
from docproof.authoring.claims import Claim, ClaimIndex, claim_id_problem, index_claims
from docproof.authoring.fact_tables import CLUSTER_FACT_LABELS
from docproof.authoring.figures import (
    FactUse,
    as_written,
    bare_figures,
    fact_name_problems,
    fact_uses,
    figure_matches,
    figure_mismatches,
)
from docproof.authoring.lock import ClaimsLock, LockDifference, LockedClaim, configured_lock
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
    "ClaimsLock",
    "Command",
    "ConsoleSyntaxError",
    "FactUse",
    "FenceOptions",
    "HiddenFenceError",
    "LockDifference",
    "LockedClaim",
    "OptionError",
    "Page",
    "Symptom",
    "as_written",
    "bare_figures",
    "checked_claims",
    "claim_id_problem",
    "claim_problems",
    "configured_lock",
    "fact_name_problems",
    "fact_uses",
    "figure_matches",
    "figure_mismatches",
    "find_blocks",
    "index_claims",
    "parse_console",
    "parse_fence_info",
    "parse_page",
    "read_page",
]
