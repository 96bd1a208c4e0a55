"""`kubectl exec [-i] (POD | deploy/NAME) [-c C] -- COMMAND`: git, ls, cat, env, kill in
the pod.

Container paths on the pod's volumes (/app/data, /etc/cfp-data-deploy-key, ...) map to the
world directory. `git upload-pack DIR` streams stdin/stdout as bytes (the pack protocol);
other git commands must be read-only. `kill [-SIG | -s SIG] PID...` signals the container's
processes through the world (tini is PID 1, node its child). The remote exit code becomes
kubectl's exit code.
"""

import subprocess
import sys
from pathlib import Path

from podsim.gitenv import git_env
from podsim.kubectl import objects
from podsim.kubectl.args import Args
from podsim.kubectl.config import Binding
from podsim.kubectl.errors import KubectlError, bad_request, not_simulated
from podsim.kubectl.gitcheck import check_read_only
from podsim.kubectl.logs import resolve
from podsim.kubectl.output import err, out
from podsim.seam import NoSuchProcess, PathNotMounted, signal_number
from podsim.state import Pod
from podsim.world import World

CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
USAGE = ("error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\n"
         "POD or TYPE/NAME is a required argument for the exec command\n"
         "See 'kubectl exec -h' for help and examples")


class Container:
    """One exec session: path mapping between the container and the world directory."""

    def __init__(self, world: World, pod: Pod, stdin: bool) -> None:
        self.world, self.pod, self.stdin = world, pod, stdin
        self.mounts = world.mounts(pod)
        self.home = world.root / "containers" / pod.name / str(pod.container.instance)

    def host(self, path: str) -> Path | None:
        try:
            return self.mounts.host_path(path)
        except PathNotMounted:
            return None

    def unmap(self, data: bytes) -> bytes:
        return self.mounts.to_container_bytes(data)

    def env(self) -> dict[str, str]:
        self.home.mkdir(parents=True, exist_ok=True)
        return git_env(self.home, GIT_PAGER="cat", PAGER="cat",
                       GIT_CEILING_DIRECTORIES=str(self.home))

    def run(self, argv: list[str], stream: bool = False) -> int:
        """Run on the host; stream passes bytes straight through (for the pack protocol)."""
        stdin = None if self.stdin else subprocess.DEVNULL
        sys.stdout.flush()
        if stream:
            return subprocess.run(argv, stdin=stdin, env=self.env(), cwd=self.home,
                                  check=False).returncode
        done = subprocess.run(argv, stdin=stdin, env=self.env(), cwd=self.home,
                              capture_output=True, check=False)
        sys.stdout.buffer.write(self.unmap(done.stdout))
        sys.stdout.buffer.flush()
        sys.stderr.buffer.write(self.unmap(done.stderr))
        sys.stderr.buffer.flush()
        return done.returncode


def run(b: Binding, args: Args) -> int:
    if not args.positionals:
        raise KubectlError(USAGE)
    if len(args.positionals) > 1:
        raise KubectlError("error: exec [POD] [COMMAND] is not supported anymore. Use exec "
                           "[POD] -- [COMMAND] instead\n"
                           "See 'kubectl exec -h' for help and examples")
    if not args.command:
        raise KubectlError("error: you must specify at least one command for the container")
    if args.is_set("tty"):
        raise not_simulated("a terminal for exec (-t/--tty)")
    pod = resolve(b, args.positionals[0], "exec")
    name = args.value("container") or pod.container.name
    if name != pod.container.name:
        raise bad_request(f"container {name} is not valid for pod {pod.name}")
    if pod.phase in ("Succeeded", "Failed"):
        raise KubectlError("error: cannot exec into a container in a completed pod; "
                           f"current phase is {pod.phase}")
    if not any(n.name == pod.node and n.ready for n in b.world.state.nodes):
        raise KubectlError("Error from server: error dialing backend: dial tcp "
                           f"{objects.host_ip(b.world, pod.node)}:10250: i/o timeout")
    if pod.container.state != "running":
        raise KubectlError(f'error: unable to upgrade connection: container not found ("{name}")')
    code = _dispatch(Container(b.world, pod, args.is_set("stdin")), args.command)
    if code:
        err(f"command terminated with exit code {code}")
    return code


def _dispatch(box: Container, command: list[str]) -> int:
    program, rest = command[0], command[1:]
    if program == "git":
        return _git(box, rest)
    if program in ("ls", "cat"):
        return _files(box, program, rest)
    if program == "kill":
        return _kill(box, rest)
    if program == "env" and not rest:
        env = {"PATH": CONTAINER_PATH, "HOSTNAME": box.pod.name, **box.world.manifest.env}
        out("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
    raise not_simulated(f"running {' '.join(command)!r} in the container "
                        "(simulated: git upload-pack, read-only git, ls, cat, env, kill)")


def _kill(box: Container, rest: list[str]) -> int:
    """BusyBox's kill: `kill [-SIG | -s SIG] PID...`, TERM by default."""
    words, name = list(rest), "TERM"
    if words[:1] == ["-s"] and len(words) > 1:
        name, words = words[1], words[2:]
    elif words and words[0].startswith("-") and words[0] not in ("-", "--", "-l"):
        name, words = words[0][1:], words[1:]
    if words[:1] == ["--"]:
        words = words[1:]
    if not words or not all(w.isdigit() for w in words):
        raise not_simulated(f"kill {' '.join(rest)} (simulated: kill [-SIG | -s SIG] PID...)")
    try:
        signal_number(name)
    except ValueError:
        err(f"kill: bad signal name '{name}'")
        return 1
    code = 0
    for pid in words:
        try:
            box.world.signal(int(pid), name, pod=box.pod.name)
        except NoSuchProcess:
            err(f"kill: can't kill pid {pid}: No such process")
            code = 1
    return code


def _files(box: Container, program: str, rest: list[str]) -> int:
    options = [a for a in rest if a.startswith("-") and a != "-"]
    paths = [a for a in rest if a not in options]
    if not paths:
        raise not_simulated(f"{program} in the container's working directory; give a path "
                            f"under {', '.join(box.mounts.mount_paths)}")
    mapped = []
    for path in paths:
        host = box.host(path)
        if host is None:
            raise not_simulated(f"the container filesystem outside its volumes ({path}); "
                                f"simulated: {', '.join(box.mounts.mount_paths)}")
        mapped.append(str(host))
    return box.run([program, *options, *mapped])


def _git(box: Container, rest: list[str]) -> int:
    words, git_dir = list(rest), None
    while words and words[0].startswith("-"):
        word = words.pop(0)
        if word.startswith("--git-dir="):
            git_dir = word.split("=", 1)[1]
        elif word in ("--git-dir", "-C") and words:
            git_dir = words.pop(0)
        elif word not in ("--no-pager", "-P"):
            raise not_simulated(f"the git option {word} in the container")
    if not words:
        raise not_simulated("git without a subcommand in the container")
    sub, sub_args = words[0], words[1:]
    if sub == "upload-pack":
        options = [a for a in sub_args if a.startswith("--")]
        dirs = [a for a in sub_args if not a.startswith("--")]
        if len(dirs) != 1:
            raise not_simulated("git upload-pack without exactly one directory")
        host = box.host(dirs[0])
        if host is None:
            err(f"fatal: '{dirs[0]}' does not appear to be a git repository")
            return 128
        return box.run(["git", "upload-pack", *options, str(host)], stream=True)
    check_read_only(sub, sub_args)
    prefix = []
    if git_dir is not None:
        host = box.host(git_dir)
        if host is None:
            err(f"fatal: not a git repository: '{git_dir}'")
            return 128
        prefix = [f"--git-dir={host}"]
    return box.run(["git", *prefix, sub, *sub_args])
