"""Fence info strings: the one place where languages and block options are validated.

Only brace form is accepted: ```` ```{.python claim="x.y" timeout=5} ````. The first
token is ``.lang``; the rest are ``key=value`` pairs with optionally double-quoted values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docproof.authoring.claims import claim_id_problem

EXECUTABLE = ("python", "console", "bash")
ILLUSTRATION = ("yaml", "text", "mermaid", "toml", "json", "ini", "diff", "markdown", "dockerfile")
DEFAULT_TIMEOUT_S = 60.0

_TOKEN = re.compile(r'\s*(?:([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|([^\s"{}]+))|(\S+))')
_KNOWN = {
    "notest": EXECUTABLE + ILLUSTRATION,
    "claim": EXECUTABLE,
    "timeout": EXECUTABLE,
    "returncode": ("console", "bash"),
}


class OptionError(ValueError):
    """The fence info string is not something docproof accepts."""


class ClaimIdError(OptionError):
    """A ``claim=`` option whose id breaks the claim id rule."""


@dataclass(frozen=True)
class FenceOptions:
    """The validated meaning of one fence info string."""

    lang: str
    notest: str | None = None
    claim: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    returncode: int = 0

    @property
    def executable(self) -> bool:
        return self.lang in EXECUTABLE


def parse_fence_info(info: str) -> FenceOptions:
    """Parse and validate ``info`` (the text after the backticks); raise OptionError."""
    info = info.strip()
    if not info:
        raise OptionError("fence has no language; write ```{.text} for plain text")
    if not (info.startswith("{") and info.endswith("}")):
        lang = info.split()[0]
        raise OptionError(
            f"plain fence {info!r}: use brace form ```{{.{lang}}} "
            "(superfences syntax, required by the site and the runner)"
        )
    body = info[1:-1].strip()
    lang_token, _, rest = body.partition(" ")
    if not re.fullmatch(r"\.[a-z][a-z0-9_+-]*", lang_token):
        raise OptionError(f"fence {info!r} must start with the language, e.g. {{.python}}")
    lang = lang_token[1:]
    if lang not in EXECUTABLE + ILLUSTRATION:
        raise OptionError(
            f"unknown fence language {lang!r}: runnable are {', '.join(EXECUTABLE)}; "
            f"illustration-only are {', '.join(ILLUSTRATION)}"
        )
    values = _split_options(rest, info)
    for key in values:
        if key not in _KNOWN:
            raise OptionError(f"unknown fence option {key!r} in {info!r}")
        if lang not in _KNOWN[key]:
            raise OptionError(f"option {key!r} does not apply to {{.{lang}}} blocks")
    return FenceOptions(
        lang=lang,
        notest=_notest(values),
        claim=_claim(values),
        timeout_s=_timeout(values),
        returncode=_returncode(values),
    )


def _split_options(rest: str, info: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for match in _TOKEN.finditer(rest):
        key, quoted, bare, junk = match.groups()
        if junk is not None:
            raise OptionError(f'malformed fence option {junk!r} in {info!r} (want key="value")')
        if key in values:
            raise OptionError(f"fence option {key!r} given twice in {info!r}")
        values[key] = quoted.replace('\\"', '"') if quoted is not None else bare
    return values


def _notest(values: dict[str, str]) -> str | None:
    if "notest" not in values:
        return None
    reason = values["notest"].strip()
    if not reason:
        raise OptionError('notest needs a reason: notest="why this block is not run"')
    return reason


def _claim(values: dict[str, str]) -> str | None:
    claim = values.get("claim")
    problem = None if claim is None else claim_id_problem(claim)
    if problem is not None:
        raise ClaimIdError(problem)
    return claim


def _timeout(values: dict[str, str]) -> float:
    raw = values.get("timeout")
    if raw is None:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        raise OptionError(f"timeout={raw!r} is not a number of seconds") from None
    if not 0 < seconds <= 3600:
        raise OptionError(f"timeout={raw} must be between 0 and 3600 seconds")
    return seconds


def _returncode(values: dict[str, str]) -> int:
    raw = values.get("returncode")
    if raw is None:
        return 0
    if not re.fullmatch(r"\d{1,3}", raw) or int(raw) > 255:
        raise OptionError(f"returncode={raw!r} must be an integer 0..255")
    return int(raw)
