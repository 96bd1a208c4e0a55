"""Writes to the bare data clone: one request, one commit, no working tree.

Models gitsheets' `transact()` as codeforphilly uses it: the record is rendered to TOML at
its sheet's templated path, the tree is built in a throwaway index, `commit-tree` makes the
commit with virtual-time dates, and the branch moves with a compare-and-swap `update-ref`.
Every commit carries a `Write-Id` trailer so a write can be traced by id after a rebase
has rewritten its hash.
"""

import hashlib
import re
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from podsim import gitrefs, object_reader
from podsim.api import one_file_commit
from podsim.api.context import ProcessContext
from podsim.api.errors import StoreError, TransactionError
from podsim.errors import GitError
from podsim.seed import fill_template, render_toml

# The committer of every commit the API makes (request writes and reconcile replays).
API_NAME = "Code for Philly API"
API_EMAIL = "api@users.noreply.codeforphilly.org"

WRITE_ID_TRAILER = "Write-Id"


@dataclass(frozen=True)
class StoreHead:
    """What the store saw when it was opened: the branch and the commit/tree HEAD named."""

    branch: str
    commit: str
    tree: str


def open_store(ctx: ProcessContext) -> StoreHead:
    """Check the data directory is a bare gitsheets repository and read HEAD."""
    if (ctx.gitdir / ".git").exists():
        raise StoreError(f"{ctx.gitdir} contains .git: the data clone must be bare")
    known = _open_known_store(ctx)
    if known is not None:
        return known
    # One rev-parse answers every check of a healthy store; anything unexpected goes
    # through the checks one by one, which name what is wrong.
    # (`HEAD:.gitsheets/` resolves only when .gitsheets is a directory.)
    quick = ctx.git("rev-parse", "--is-bare-repository", "HEAD^{commit}", "HEAD:.gitsheets/",
                    "HEAD^{tree}", "--symbolic-full-name", "HEAD", check=False)
    answers = quick.stdout.split()
    if quick.returncode == 0 and len(answers) == 5 and answers[0] == "true" \
            and answers[4].startswith("refs/heads/"):
        _BARE.add(_config_key(ctx.gitdir))
        return StoreHead(answers[4].removeprefix("refs/heads/"), answers[1], answers[3])
    return _open_store_checked(ctx)


# (gitdir, its config file's bytes) that git has called a bare repository in this process:
# bareness is a matter of that config, so while it reads the same the answer stands.
_BARE: set[tuple[str, bytes]] = set()


def _config_key(gitdir: Path) -> tuple[str, bytes]:
    try:
        return str(gitdir), (gitdir / "config").read_bytes()
    except OSError:
        return str(gitdir), b""


def _open_known_store(ctx: ProcessContext) -> StoreHead | None:
    """A healthy store opened without a git process: bareness as git last said for the same
    config, HEAD from the ref files, the tree and `.gitsheets` from the object reader.
    None when anything is not plainly healthy (then git answers, and names the problem)."""
    if _config_key(ctx.gitdir) not in _BARE:
        return None
    branch = gitrefs.symbolic_target(ctx.gitdir)
    commit = gitrefs.resolve(ctx.gitdir, "HEAD")
    if branch is None or not branch.startswith("refs/heads/") or commit is None:
        return None
    try:
        objects = object_reader.reader(ctx.gitdir, ctx.container.env)
        head = objects.info(commit)
        tree = objects.info(f"{commit}^{{tree}}")
        sheets = objects.info(f"{commit}:.gitsheets")
    except GitError:
        return None
    if head is None or head[1] != "commit" or tree is None or sheets is None \
            or sheets[1] != "tree":
        return None
    return StoreHead(branch.removeprefix("refs/heads/"), commit, tree[0])


def _open_store_checked(ctx: ProcessContext) -> StoreHead:
    bare = ctx.git("rev-parse", "--is-bare-repository", check=False)
    if bare.returncode != 0 or bare.stdout.strip() != "true":
        raise StoreError(f"{ctx.gitdir} is not a bare git repository")
    ref = ctx.git("symbolic-ref", "--quiet", "HEAD", check=False)
    if ref.returncode != 0:
        raise StoreError(f"HEAD of {ctx.gitdir} is detached or missing")
    head = ctx.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    if head.returncode != 0:
        raise StoreError(f"HEAD of {ctx.gitdir} ({ref.stdout.strip()}) does not resolve")
    kind = ctx.git("cat-file", "-t", "HEAD:.gitsheets", check=False)
    if kind.stdout.strip() != "tree":
        raise StoreError(f"no .gitsheets/ directory in the tree of HEAD in {ctx.gitdir}")
    tree = ctx.git("rev-parse", "HEAD^{tree}").stdout.strip()
    branch = ref.stdout.strip().removeprefix("refs/heads/")
    return StoreHead(branch, head.stdout.strip(), tree)


def record_path(ctx: ProcessContext, rev: str, sheet: str, record: dict[str, object]) -> str:
    """Where `record` lives according to `.gitsheets/<sheet>.toml` in `rev`."""
    config = tomllib.loads(_sheet_config(ctx, rev, sheet)).get("gitsheet", {})
    root = str(config.get("root", sheet)).strip("/")
    template = str(config.get("path", "${{ id }}"))
    try:
        return f"{root}/{fill_template(template, record)}.toml"
    except LookupError as missing:
        raise TransactionError(
            "invalid_record", f"{sheet} record lacks field {missing.args[0]!r}"
        ) from None


def _sheet_config(ctx: ProcessContext, rev: str, sheet: str) -> str:
    """The text of `.gitsheets/<sheet>.toml` in `rev` (a blob read by the object reader when
    `rev` is a commit id, else by `git show`)."""
    name = f"{rev}:.gitsheets/{sheet}.toml"
    if gitrefs.is_sha(rev):
        try:
            found = object_reader.reader(ctx.gitdir, ctx.container.env).read(name)
        except GitError:
            found = None
        if found is not None and found[0] == "blob":
            return found[1].decode()
    shown = ctx.git("show", name, check=False)
    if shown.returncode != 0:
        raise TransactionError("sheet_not_found", f"no .gitsheets/{sheet}.toml in {rev}")
    return shown.stdout


def pseudonym(user: str) -> tuple[str, str]:
    """The pseudonymous author identity of a user: `user-<hash>` at the noreply domain."""
    name = "user-" + hashlib.sha256(user.encode()).hexdigest()[:10]
    return name, f"{name}@users.noreply.codeforphilly.org"


def git_date(ctx: ProcessContext) -> str:
    """Virtual UTC now in git's raw date format (1 s resolution, as git stores it)."""
    return f"@{int(ctx.utc().timestamp())} +0000"


def write_record(
    ctx: ProcessContext, sheet: str, record: dict[str, object], write_id: str, user: str
) -> str | None:
    """Commit `record` on HEAD's branch; the new commit, or None when the tree is unchanged."""
    head = open_store(ctx)
    path = record_path(ctx, head.commit, sheet, record)
    stem = path.removesuffix(".toml")
    message = f"Update {stem}\n\n{WRITE_ID_TRAILER}: {write_id}\nSheet: {sheet}\n"
    new = _new_commit(ctx, head, path, render_toml(record), message, pseudonym(user))
    if new is None:
        return None  # gitsheets makes no commit (and notifies nobody) for an unchanged tree
    advance_branch(ctx, f"refs/heads/{head.branch}", new, head.commit)
    ctx.record("write", f"{write_id} {path}", write_id=write_id, commit=new, path=path)
    return new


def advance_branch(ctx: ProcessContext, ref: str, new: str, old: str) -> None:
    """Compare-and-swap `ref` from `old` to `new`; TransactionError if it moved meanwhile."""
    result = ctx.git("update-ref", ref, new, old, check=False)
    if result.returncode != 0:
        raise TransactionError("commit_failed", f"{ref} moved: {result.stderr.strip()}")


def commits_with_write_id(ctx: ProcessContext, rev: str, write_id: str) -> list[str]:
    """Commits reachable from `rev` whose message carries `Write-Id: <write_id>`."""
    pattern = f"^{WRITE_ID_TRAILER}: {re.escape(write_id)}$"
    found = ctx.git("log", "--format=%H", "--grep", pattern, rev, "--", check=False)
    return found.stdout.split()


def _new_commit(ctx: ProcessContext, head: StoreHead, path: str, text: str, message: str,
                author: tuple[str, str]) -> str | None:
    """A commit on HEAD's commit setting `path` to `text` (not yet on any branch), or None
    when the tree would not change. One fast-import when the parent's tree reads plainly,
    else the plumbing in a temporary index; both make the same commit."""
    date = git_date(ctx)
    data = text.encode()
    entry = one_file_commit.entry_at(ctx, head.commit, path)
    if entry is not None:
        if entry == (one_file_commit.REGULAR_FILE, one_file_commit.blob_id(data)):
            return None
        raw = date.removeprefix("@")
        try:
            return one_file_commit.commit_one_file(
                ctx, head.commit, path, data, message, f"{author[0]} <{author[1]}> {raw}",
                f"{API_NAME} <{API_EMAIL}> {raw}")
        except GitError as err:
            raise TransactionError("commit_failed", str(err)) from err
    tree = _tree_with(ctx, head.commit, path, text)
    if tree == head.tree:
        return None
    env = {
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": API_NAME,
        "GIT_COMMITTER_EMAIL": API_EMAIL,
        "GIT_COMMITTER_DATE": date,
    }
    commit = ctx.git("commit-tree", tree, "-p", head.commit, "-F", "-", env=env, stdin=message)
    return commit.stdout.strip()


def _tree_with(ctx: ProcessContext, parent: str, path: str, text: str) -> str:
    """The tree of `parent` with `path` set to `text`, built in a temporary index."""
    blob = ctx.git("hash-object", "-w", "--stdin", stdin=text).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="podsim-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        try:
            ctx.git("read-tree", parent, env=env)
            ctx.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            return ctx.git("write-tree", env=env).stdout.strip()
        except subprocess.CalledProcessError as err:
            raise TransactionError("commit_failed", err.stderr.strip()) from err
