"""A repository's refs read from its files: no git process (this runs after every event)."""

from pathlib import Path

PUBLISHED = "refs/heads/published"


def refs(gitdir: Path) -> dict[str, str]:
    """Every ref of a repository read from its files (no git process: this runs per move)."""
    found: dict[str, str] = {}
    packed = gitdir / "packed-refs"
    if packed.is_file():
        for line in packed.read_text().splitlines():
            if line and line[0] not in "#^":
                sha, name = line.split(" ", 1)
                found[name] = sha
    base = gitdir / "refs"
    if base.is_dir():
        for path in base.rglob("*"):
            if path.is_file():
                found[str(path.relative_to(gitdir))] = path.read_text().strip()
    head = gitdir / "HEAD"
    if head.is_file():
        found["HEAD"] = head.read_text().strip()
    return found


def published(gitdir: Path) -> str:
    """The commit `refs/heads/published` names, or "" when there is none (a loose ref file
    wins over packed-refs, as in git)."""
    loose = gitdir / PUBLISHED
    if loose.is_file():
        return loose.read_text().strip()
    packed = gitdir / "packed-refs"
    if packed.is_file():
        for line in packed.read_text().splitlines():
            if line.endswith(" " + PUBLISHED):
                return line.split(" ", 1)[0]
    return ""
