"""Commits written in one `git fast-import` pass: fast, and deterministic for fixed dates."""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from podsim.errors import GitError


def commit_files(
    git_dir: Path,
    env: dict[str, str],
    branch: str,
    when: datetime,
    files: dict[str, str],
    message: str,
    author: tuple[str, str],
    parent: str | None,
    root: bool = False,
) -> None:
    """Commit `files` onto `branch`; `root` starts it over from a parentless commit."""
    ident = f"{author[0]} <{author[1]}> {raw_date(when)}".encode()
    reset = [b"reset refs/heads/" + branch.encode(), b""] if root else []
    stream = [
        *reset,
        b"commit refs/heads/" + branch.encode(),
        b"author " + ident,
        b"committer " + ident,
        *_data(message + "\n"),
    ]
    if parent is not None:
        stream.append(b"from " + parent.encode())
    for path in sorted(files):
        stream += [b"M 100644 inline " + _quote_path(path), *_data(files[path])]
    force = ["--force"] if root else []
    run(
        ["git", "--git-dir", str(git_dir), "fast-import", "--quiet", "--date-format=raw", *force],
        env,
        stdin=b"\n".join(stream) + b"\n",
    )


def run(argv: list[str], env: dict[str, str], stdin: bytes | None = None) -> bytes:
    """Run a git command; GitError naming it and its stderr when it fails."""
    done = subprocess.run(argv, env=env, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise GitError(
            f"{' '.join(argv)!r} exited {done.returncode}: {done.stderr.decode().strip()}"
        )
    return done.stdout


def raw_date(when: datetime) -> str:
    """git's raw date: epoch seconds and the UTC offset (naive datetimes count as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = int((when.utcoffset() or timedelta(0)).total_seconds()) // 60
    sign = "-" if offset < 0 else "+"
    return f"{int(when.timestamp())} {sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"


def _data(text: str) -> list[bytes]:
    payload = text.encode()
    return [b"data %d" % len(payload), payload]


def _quote_path(path: str) -> bytes:
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'.encode()
