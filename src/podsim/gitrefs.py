"""Refs answered from git's own files, without a git process.

The simulator asks for a ref's commit after nearly every event (the push daemon reads its
branch tip at each attempt, reconcile reads HEAD and the tracking ref, fates read every
branch). Git keeps refs in files: a loose `refs/...` file holds a sha or `ref: <target>`,
`packed-refs` holds the rest, and a loose file wins over a packed line. Reading them gives
git's own answer. Whatever these files cannot answer for certain (a name that is absent, a
name git could resolve another way, content of an unexpected shape) yields None, and the
caller asks git itself, so the answer and any error stay git's.
"""

import re
from pathlib import Path

_SHA = re.compile(r"[0-9a-f]{40}")
_REF_NAME = re.compile(r"[A-Za-z0-9._/-]+")
_MAX_DEPTH = 5  # git follows at most this many symbolic refs

# git's order for a short name (refs.c `ref_rev_parse_rules`): the first that exists wins.
_SHORT_NAME_RULES = ("refs/{}", "refs/tags/{}", "refs/heads/{}", "refs/remotes/{}",
                     "refs/remotes/{}/HEAD")


def is_sha(text: str) -> bool:
    """Whether `text` is a full object id (40 lowercase hex digits)."""
    return _SHA.fullmatch(text) is not None


def packed_refs(gitdir: Path) -> dict[str, str]:
    """Refname -> sha from `packed-refs` (empty when there is none)."""
    found: dict[str, str] = {}
    try:
        text = (gitdir / "packed-refs").read_text()
    except FileNotFoundError:
        return found
    for line in text.splitlines():
        if line and line[0] not in "#^":
            sha, _, name = line.partition(" ")
            found[name] = sha
    return found


def resolve(gitdir: Path, name: str) -> str | None:
    """The commit `git rev-parse --verify <name>` prints for a ref name (`HEAD`, a full
    `refs/...` name or a short one like `published`), or None when the files alone cannot
    say (then ask git)."""
    if not _REF_NAME.fullmatch(name) or ".." in name or name.endswith((".lock", "/")):
        return None
    if name == "HEAD" or name.startswith("refs/"):
        candidates: tuple[str, ...] = (name,)
    elif (gitdir / name).exists():
        return None  # a file at the top of the gitdir: git's first rule may take it
    else:
        candidates = tuple(rule.format(name) for rule in _SHORT_NAME_RULES)
    packed = packed_refs(gitdir)
    for refname in candidates:
        if (gitdir / refname).is_file() or refname in packed:
            return _value(gitdir, refname, packed, 0)
        if (gitdir / refname).exists():
            return None  # a directory where git looks for a ref: let git decide
    return None


def symbolic_target(gitdir: Path, refname: str = "HEAD") -> str | None:
    """The ref a symbolic ref names (`refs/heads/published` for a normal HEAD), or None."""
    try:
        text = (gitdir / refname).read_text()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    target = text.strip()
    return target.removeprefix("ref: ") if target.startswith("ref: ") else None


def branches(gitdir: Path, prefix: str = "refs/heads/") -> dict[str, str] | None:
    """Every ref under `prefix` -> its sha, or None when a file has an unexpected shape."""
    found = {name: sha for name, sha in packed_refs(gitdir).items() if name.startswith(prefix)}
    base = gitdir / prefix
    if base.is_dir():
        for path in base.rglob("*"):
            if path.is_file() and not path.name.endswith(".lock"):
                text = path.read_text().strip()
                if not _SHA.fullmatch(text):
                    return None
                found[str(path.relative_to(gitdir))] = text
    if not all(_SHA.fullmatch(sha) for sha in found.values()):
        return None
    return dict(sorted(found.items()))  # for-each-ref's order: by refname


def _value(gitdir: Path, refname: str, packed: dict[str, str], depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    try:
        text = (gitdir / refname).read_text().strip()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        text = packed.get(refname, "")
    if text.startswith("ref: "):
        return _value(gitdir, text.removeprefix("ref: "), packed, depth + 1)
    return text if _SHA.fullmatch(text) else None
