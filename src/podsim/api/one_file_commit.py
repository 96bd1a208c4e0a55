"""A commit that changes one file, made by one `git fast-import` instead of five plumbing
commands (hash-object, read-tree, update-index, write-tree, commit-tree).

The commit is the same object the plumbing makes (same tree, same author and committer
lines, the message as given), so its id is the same. fast-import writes it under a scratch
branch that the same stream resets, so no ref is left behind and the caller moves the real
branch with its own compare-and-swap. Whether the file changes at all is read from the
parent's tree first (the object reader, podsim.object_reader), since an unchanged tree
makes no commit.
"""

import hashlib
import subprocess
from pathlib import PurePosixPath

from podsim import object_reader
from podsim.api.context import ProcessContext
from podsim.errors import GitError

REGULAR_FILE = "100644"
_SCRATCH_REF = "refs/podsim/one-file-commit"  # reset by the same stream: never written


def blob_id(data: bytes) -> str:
    """The object id git gives a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def entry_at(ctx: ProcessContext, commit: str, path: str) -> tuple[str, str] | None:
    """(mode, object id) of `path` in `commit`'s tree, ("", "") when its directory has no
    such entry; None when that is not plain (no such directory, a directory at `path`)."""
    parent, name = str(PurePosixPath(path).parent), PurePosixPath(path).name
    spec = f"{commit}^{{tree}}" if parent == "." else f"{commit}:{parent}"
    try:
        found = object_reader.reader(ctx.gitdir, ctx.container.env).read(spec)
    except GitError:
        return None
    if found is None or found[0] != "tree":
        return None
    entry = _tree_entries(found[1]).get(name.encode(), ("", ""))
    return None if entry[0] in ("40000", "160000") else entry


def commit_one_file(
    ctx: ProcessContext, parent: str, path: str, data: bytes, message: str,
    author: str, committer: str,
) -> str:
    """The id of a new commit on `parent` whose tree sets `path` to `data` (a regular
    file); `author`/`committer` are git's `Name <email> <epoch> <offset>` lines."""
    stream = b"\n".join([
        f"commit {_SCRATCH_REF}".encode(),
        b"mark :1",
        b"author " + author.encode(),
        b"committer " + committer.encode(),
        *_data(message.encode()),
        f"from {parent}".encode(),
        f"M {REGULAR_FILE} inline {_quote(path)}".encode(),
        *_data(data),
        b"get-mark :1",
        f"reset {_SCRATCH_REF}".encode(),
        b"",
    ])
    done = subprocess.run(["git", "fast-import", "--quiet", "--date-format=raw"],
                          cwd=ctx.gitdir, env=ctx.container.env, input=stream,
                          capture_output=True, check=False)
    new = done.stdout.decode().strip()
    if done.returncode != 0 or len(new) != 40:
        raise GitError(f"git fast-import in {ctx.gitdir} exited {done.returncode}: "
                       f"{done.stderr.decode().strip()}")
    return new


def _tree_entries(data: bytes) -> dict[bytes, tuple[str, str]]:
    """A tree object's entries: name -> (mode, object id)."""
    entries: dict[bytes, tuple[str, str]] = {}
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        mode, name = data[at:space].decode(), data[space + 1:nul]
        entries[name] = (mode, data[nul + 1:nul + 21].hex())
        at = nul + 21
    return entries


def _data(payload: bytes) -> list[bytes]:
    # `data <n>` then exactly n bytes; the optional newline after them keeps lines apart.
    return [b"data %d" % len(payload), payload]


def _quote(path: str) -> str:
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
