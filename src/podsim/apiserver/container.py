"""What a simulated container can run for `exec`: its command mapped onto the world.

The container's volumes are directories in the world directory, so a command runs on the
host with container paths (/app/data, ...) replaced by those directories, and its output
mapped back. git runs for upload-pack (a real fetch) and read-only subcommands; ls and cat
read volumes; env prints the container's environment; `kill [-SIG | -s SIG] PID...` signals
the container's processes through the world (tini is PID 1, node its child), with BusyBox's
messages; `sh -c` (or bash) runs a script that is one such simple command. Anything else is
refused by name.
"""

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from podsim.apiserver.gitcheck import check_read_only
from podsim.apiserver.status import ApiError, bad_request
from podsim.gitenv import git_env
from podsim.seam import Mounts, PathNotMounted
from podsim.state import Pod
from podsim.world import World

CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SIMULATED = ("git upload-pack, read-only git, ls and cat on volumes, env, "
             "kill [-SIG | -s SIG] PID..., and sh -c with one of these")
SHELLS = ("sh", "/bin/sh", "bash", "/bin/bash")
SHELL_SYNTAX = set(";&|<>$`(){}*?[]~!#\n\\")  # beyond one simple command


@dataclass
class Command:
    """A host command standing in for the container's; `stream` passes bytes unmapped."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    stream: bool = False
    mounts: Mounts = field(default_factory=Mounts)
    output: bytes | None = None  # answered without running anything (env)
    signal: tuple[str, list[int]] | None = None  # `kill`: applied to the world, not run

    def unmap(self, data: bytes) -> bytes:
        """Host paths back to container paths in buffered output (the seam's one rule)."""
        return self.mounts.to_container_bytes(data)


def command_for(world: World, pod: Pod, argv: list[str]) -> Command:
    """The host command for `argv` in the pod's container, or a BadRequest saying why not."""
    mounts = world.mounts(pod)
    home = world.root / "containers" / pod.name / str(pod.container.instance)
    home.mkdir(parents=True, exist_ok=True)
    env = git_env(home, GIT_PAGER="cat", PAGER="cat", GIT_CEILING_DIRECTORIES=str(home))
    base = Command([], home, env, mounts=mounts)

    def host(path: str) -> str | None:
        try:
            return str(mounts.host_path(path))
        except PathNotMounted:
            return None

    program, rest = argv[0], argv[1:]
    if program in SHELLS:
        return command_for(world, pod, _shell_script(program, rest))
    if program == "git":
        return _git(base, rest, host)
    if program in ("ls", "cat"):
        options = [a for a in rest if a.startswith("-") and a != "-"]
        paths = [a for a in rest if a not in options]
        mapped = [host(p) for p in paths]
        if not paths or None in mapped:
            volumes = ", ".join(sorted(mounts.mount_paths))
            raise _unsimulated(f"{program} outside its volumes ({volumes})")
        base.argv = [program, *options, *[m for m in mapped if m]]
        return base
    if program == "kill":
        base.argv, base.signal = argv, _kill_arguments(rest)  # argv only names it in errors
        return base
    if program == "env" and not rest:
        shown = {"PATH": CONTAINER_PATH, "HOSTNAME": pod.name, **world.manifest.env}
        base.output = "".join(f"{k}={v}\n" for k, v in shown.items()).encode()
        return base
    raise _unsimulated(repr(" ".join(argv)))


def _kill_arguments(rest: list[str]) -> tuple[str, list[int]]:
    """BusyBox's `kill [-SIG | -s SIG] PID...` (TERM by default) as (signal name, pids)."""
    words, name = list(rest), "TERM"
    if words[:1] == ["-s"] and len(words) > 1:
        name, words = words[1], words[2:]
    elif words and words[0].startswith("-") and words[0] not in ("-", "--", "-l"):
        name, words = words[0][1:], words[1:]
    if words[:1] == ["--"]:
        words = words[1:]
    if not words or not all(word.isdigit() for word in words):
        raise _unsimulated(f"kill {' '.join(rest)!r}")
    return name, [int(word) for word in words]


def _shell_script(shell: str, rest: list[str]) -> list[str]:
    """`sh -c 'ls /app/data'`: the words of a script that is one simple command."""
    if len(rest) < 2 or rest[0] != "-c":
        raise _unsimulated(f"{shell} without -c SCRIPT (an interactive shell)")
    script = rest[1]
    syntax = sorted(SHELL_SYNTAX & set(script))
    words = shlex.split(script) if not syntax else []
    if not words or words[0] in SHELLS or "=" in words[0]:
        shown = f" ({' '.join(syntax)})" if syntax else ""
        raise _unsimulated(f"{shell} -c {script!r}: scripts beyond one simple command{shown}")
    return words


def _git(base: Command, rest: list[str], host: Callable[[str], str | None]) -> Command:
    words, prefix = list(rest), []
    while words and words[0].startswith("-"):
        word = words.pop(0)
        if word.startswith("--git-dir=") or (word in ("--git-dir", "-C") and words):
            path = word.split("=", 1)[1] if "=" in word else words.pop(0)
            mapped = host(path)
            if mapped is None:
                raise _unsimulated(f"git on {path}, which is not on a volume")
            prefix.append(f"--git-dir={mapped}")
        elif word not in ("--no-pager", "-P"):
            raise _unsimulated(f"the git option {word}")
    if not words:
        raise _unsimulated("git without a subcommand")
    sub, args = words[0], words[1:]
    if sub == "upload-pack":
        dirs = [a for a in args if not a.startswith("--")]
        mapped = host(dirs[0]) if len(dirs) == 1 else None
        if mapped is None:
            raise _unsimulated("git upload-pack without exactly one directory on a volume")
        base.argv = ["git", "upload-pack", *[a for a in args if a.startswith("--")], mapped]
        base.stream = True
        return base
    check_read_only(sub, args)
    base.argv = ["git", *prefix, sub, *args]
    return base


def _unsimulated(what: str) -> ApiError:
    return bad_request(f"podsim: the simulated container does not run {what} "
                       f"(simulated: {SIMULATED})")
