"""One replay step of reconcile: `git merge-tree --write-tree --merge-base=<C^> <tip> <C>`.

Production runs git >= 2.40, where that command three-way merges C onto the new tip and
prints the tree (exit 0) or reports conflicts (exit 1). This machine may have an older git,
so for a modelled git >= 2.40 the same merge is produced through a temporary index:
renames detected on either side are applied to the base and the other side first (so an
edit follows a rename, as with ort), then `read-tree -m --aggressive` for the trivial cases,
`merge-file` per remaining path, and `write-tree`. For a modelled git < 2.40 the option does
not exist and the command exits 129, as git 2.39 really does, so every replay fails and
every divergence escapes (git 2.40 release notes; docs/reference/sources.md#reconcile).
"""

import tempfile
from pathlib import Path

from podsim.api.context import ProcessContext
from podsim.api.errors import ReplayConflict

MERGE_BASE_OPTION_SINCE = (2, 40)
_NULL_OID = "0" * 40


def merge_tree(ctx: ProcessContext, base: str, ours: str, theirs: str) -> str:
    """The merged tree of `theirs` onto `ours` relative to `base`; ReplayConflict if not clean."""
    if ctx.settings.git_version < MERGE_BASE_OPTION_SINCE:
        _fail_like_old_git(ctx, base, ours, theirs)
    with tempfile.TemporaryDirectory(prefix="podsim-replay-") as tmp:
        return _merge_in_index(ctx, Path(tmp), base, ours, theirs)


def _fail_like_old_git(ctx: ProcessContext, base: str, ours: str, theirs: str) -> None:
    """Run the real command where this git lacks the option; otherwise give its failure."""
    args = ("merge-tree", "--write-tree", f"--merge-base={base}", ours, theirs)
    if _machine_git_version(ctx) < MERGE_BASE_OPTION_SINCE:
        result = ctx.git(*args, check=False)
        code, stderr = result.returncode, result.stderr
    else:
        code, stderr = 129, f"error: unknown option `merge-base={base}'\n"
    raise ReplayConflict(f"Command failed: git {' '.join(args)} (exit {code})\n{stderr}")


def _merge_in_index(ctx: ProcessContext, tmp: Path, base: str, ours: str, theirs: str) -> str:
    base, ours, theirs = _follow_renames(ctx, tmp, base, ours, theirs)
    env = {"GIT_INDEX_FILE": str(tmp / "index")}
    ctx.git("read-tree", "-m", "-i", "--aggressive", base, ours, theirs, env=env)
    unmerged = ctx.git("ls-files", "-u", "-z", env=env).stdout
    stages: dict[str, dict[int, tuple[str, str]]] = {}
    for entry in filter(None, unmerged.split("\0")):
        info, path = entry.split("\t", 1)
        mode, oid, stage = info.split()
        stages.setdefault(path, {})[int(stage)] = (mode, oid)
    resolved = [_resolve_path(ctx, tmp, path, entries) for path, entries in stages.items()]
    if resolved:
        lines = "".join(f"0 {_NULL_OID}\t{path}\n{mode} {oid} 0\t{path}\n"
                        for path, mode, oid in resolved)
        ctx.git("update-index", "--index-info", env=env, stdin=lines)
    return ctx.git("write-tree", env=env).stdout.strip()


def _follow_renames(
    ctx: ProcessContext, tmp: Path, base: str, ours: str, theirs: str
) -> tuple[str, str, str]:
    """Apply each side's renames to the base and the other side, as ort's rename detection
    does, so an edit on one side follows a rename on the other; the trees to merge.

    Both sides renaming one path to different names is ort's rename/rename conflict; one
    side renaming a path the other deleted is its rename/delete conflict.
    """
    ours_moves, theirs_moves = _renames(ctx, base, ours), _renames(ctx, base, theirs)
    for old in ours_moves.keys() & theirs_moves.keys():
        if ours_moves[old] != theirs_moves[old]:
            raise ReplayConflict(f"CONFLICT (rename/rename): {old} renamed to "
                                 f"{ours_moves[old]} and to {theirs_moves[old]}")
    for moves, other in ((ours_moves, theirs), (theirs_moves, ours)):
        for old in moves:
            if old not in ours_moves.keys() & theirs_moves.keys() and not _has(ctx, other, old):
                raise ReplayConflict(f"CONFLICT (rename/delete): {old} renamed to "
                                     f"{moves[old]} on one side, deleted on the other")
    moves = {**ours_moves, **theirs_moves}
    if not moves:
        return base, ours, theirs
    return (_moved(ctx, tmp, base, moves), _moved(ctx, tmp, ours, theirs_moves),
            _moved(ctx, tmp, theirs, ours_moves))


def _renames(ctx: ProcessContext, base: str, side: str) -> dict[str, str]:
    """Paths `side` renamed relative to `base` (git's default 50% similarity)."""
    out = ctx.git("diff-tree", "-r", "-M", "--name-status", "-z", base, side).stdout
    fields, moves = out.split("\0"), {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith("R"):
            moves[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            index += 2
    return moves


def _has(ctx: ProcessContext, tree: str, path: str) -> bool:
    return ctx.git("cat-file", "-e", f"{tree}:{path}", check=False).returncode == 0


def _moved(ctx: ProcessContext, tmp: Path, tree: str, moves: dict[str, str]) -> str:
    """`tree` with each `old` path present in it moved to its new name."""
    present = {old: new for old, new in moves.items() if _has(ctx, tree, old)}
    if not present:
        return tree
    env = {"GIT_INDEX_FILE": str(tmp / "moves-index")}
    ctx.git("read-tree", tree, env=env)
    lines = []
    for old, new in present.items():
        mode, oid = ctx.git("ls-files", "-s", "--", old, env=env).stdout.split()[:2]
        lines.append(f"0 {_NULL_OID}\t{old}\n{mode} {oid} 0\t{new}\n")
    ctx.git("update-index", "--index-info", env=env, stdin="".join(lines))
    moved = ctx.git("write-tree", env=env).stdout.strip()
    (tmp / "moves-index").unlink()
    return moved


def _resolve_path(
    ctx: ProcessContext, tmp: Path, path: str, entries: dict[int, tuple[str, str]]
) -> tuple[str, str, str]:
    """Content-merge one path both sides changed; (path, mode, blob) or ReplayConflict."""
    if 2 not in entries or 3 not in entries:
        raise ReplayConflict(f"CONFLICT (modify/delete): {path}")
    (our_mode, our_oid), (their_mode, their_oid) = entries[2], entries[3]
    base_mode = entries[1][0] if 1 in entries else None
    if our_mode != their_mode and base_mode not in (our_mode, their_mode):
        raise ReplayConflict(f"CONFLICT (mode): {path}")
    mode = their_mode if our_mode == base_mode else our_mode
    files = []
    base_oid = entries[1][1] if 1 in entries else ""
    for name, oid in (("ours", our_oid), ("base", base_oid), ("theirs", their_oid)):
        text = ctx.git("cat-file", "blob", oid).stdout if oid else ""
        file = tmp / name
        file.write_text(text)
        files.append(str(file))
    merged = ctx.git("merge-file", "-p", *files, check=False)
    if merged.returncode != 0:
        kind = "content" if 1 in entries else "add/add"
        raise ReplayConflict(f"CONFLICT ({kind}): Merge conflict in {path}")
    oid = ctx.git("hash-object", "-w", "--stdin", stdin=merged.stdout).stdout.strip()
    return path, mode, oid


def _machine_git_version(ctx: ProcessContext) -> tuple[int, int]:
    major, minor = ctx.git("--version").stdout.split()[2].split(".")[:2]
    return int(major), int(minor)
