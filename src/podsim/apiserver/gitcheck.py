"""Which git commands `kubectl exec` lets through: read-only ones only."""

from podsim.apiserver.status import ApiError, bad_request

READ_ONLY = {
    "log", "show", "rev-parse", "rev-list", "cat-file", "ls-tree", "for-each-ref", "show-ref",
    "count-objects", "describe", "merge-base", "diff", "shortlog", "name-rev", "ls-files",
    "status", "grep", "whatchanged", "var", "verify-commit", "cherry",
}
LISTING = {"branch", "tag"}  # read-only when they only list
CONFIG_READS = {"--get", "--get-all", "--get-regexp", "--list", "-l", "--get-urlmatch"}
CONFIG_WRITES = {"--add", "--unset", "--unset-all", "--replace-all", "--rename-section",
                 "--remove-section", "-e", "--edit"}
LIST_WRITES = {"-d", "-D", "--delete", "-m", "-M", "--move", "-c", "-C", "--copy", "-f",
               "--force", "-u", "--set-upstream-to", "--unset-upstream", "--edit-description",
               "-a", "-s", "--sign", "--annotate", "-F", "--file"}


def check_read_only(sub: str, args: list[str]) -> None:
    """Raise a BadRequest unless `git <sub> <args>` only reads the repository."""
    if any(a.startswith("--output") for a in args):
        raise _refuse(sub, "writes a file (--output)")
    if sub in READ_ONLY:
        return
    if sub in LISTING:
        branch_all = sub == "branch" and any(a in ("-a", "--all") for a in args)
        writes = [a for a in args if a in LIST_WRITES and not (branch_all and a == "-a")]
        names = [a for a in args if not a.startswith("-")]
        listing = not names or any(a in ("--list", "-l") for a in args)
        if writes or not listing:
            raise _refuse(sub, "changes refs")
        return
    if sub == "config":
        if any(a in CONFIG_WRITES for a in args) or not any(a in CONFIG_READS for a in args):
            raise _refuse(sub, "changes configuration (use --get, --get-all or --list)")
        return
    if sub == "symbolic-ref" and len([a for a in args if not a.startswith("-")]) == 1:
        return
    if sub == "reflog" and (not args or args[0] == "show"):
        return
    raise _refuse(sub, "is not a read-only command")


def _refuse(sub: str, why: str) -> ApiError:
    return bad_request(f"podsim: the simulated container does not run `git {sub}`: it {why}; "
                       "exec runs git upload-pack and read-only git commands only")
