"""Per-page sandbox: a temp dir with its own HOME, git config, PATH (shims first), no network.

``Sandbox`` is what docproof builds for a page; ``PageWorld`` is what a world provider
(the ``docproof_page_world`` hook) hands back to bind the page to a world.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

NETWORK_TOOLS = ("curl", "wget", "ssh", "scp", "sftp", "nc", "ncat", "telnet", "ftp", "rsync")
BLOCKED = "docproof: network access is blocked in this sandbox"
_SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")
_GITCONFIG = """\
[user]
\tname = Docproof Operator
\temail = operator@docproof.invalid
[init]
\tdefaultBranch = main
[advice]
\tdetachedHead = false
[protocol "http"]
\tallow = never
[protocol "https"]
\tallow = never
[protocol "git"]
\tallow = never
"""
NO_WORLD_KUBECTL = (
    "docproof: this page has no world, so kubectl reaches nothing; "
    "name one in its front matter (e.g. 'world: fresh')"
)
# What KUBECONFIG names unless the page's world sets its own: a cluster that cannot exist.
_NO_WORLD_KUBECONFIG = """\
# docproof: this page has no world; this kubeconfig reaches nothing.
apiVersion: v1
kind: Config
clusters:
- name: no-world
  cluster: {server: "https://page-has-no-world.invalid:6443"}
contexts:
- name: no-world
  context: {cluster: no-world, user: no-world}
current-context: no-world
users:
- name: no-world
  user: {}
"""
_NO_WORLD_SHIM = f"""#!/bin/sh
echo "{NO_WORLD_KUBECTL}" >&2
exit 1
"""
_SHIM = f"""#!/bin/sh
echo "{BLOCKED} ($(basename "$0") $*)" >&2
exit 1
"""


@dataclass
class PageWorld:
    """A page's binding to a world, returned by a ``docproof_page_world`` provider.

    ``namespace``: names Python blocks see (e.g. ``world``). ``env``: exported into the bash
    session and set while Python blocks run. ``path_prepend``: directories put first on PATH
    (before docproof's network shims, so a world may supply simulated stand-ins such as
    ``kubectl`` or an ``ssh`` to a simulated origin). ``cwd``: where the bash session and
    Python blocks start (e.g. an operator's clone); default ``sandbox.workdir``.
    ``session_start``: bash source run in the page's bash session once, before its first
    block: a world starts the services its blocks talk to here (in the session, so in the
    page's network namespace); what it starts ends with the session. If it exits non-zero,
    every shell block of the page fails with its output. ``tools``: the tools (name ->
    version) the world binds the page to; the report records them for each block.
    ``on_close``: called once when the page is done.
    """

    namespace: dict[str, object] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    path_prepend: list[Path] = field(default_factory=list)
    cwd: Path | None = None
    session_start: str = ""
    tools: dict[str, str] = field(default_factory=dict)
    on_close: Callable[[], None] | None = None

    def close(self) -> None:
        if self.on_close is not None:
            closer, self.on_close = self.on_close, None
            closer()


@dataclass(frozen=True)
class Sandbox:
    """The page's private directories and base environment.

    ``root``: the page's temp dir (removed after the page). ``home``: HOME, holding
    ``.gitconfig``. ``workdir``: default cwd. ``shims``: network-blocking shims.
    ``tmp``: TMPDIR. ``env``: the complete base environment, PATH included.
    ``no_world``: a ``kubectl`` that says the page has no world, first on PATH without one.
    ``shares_network``: whether the page's bash session runs in this process's network
    namespace (False when it is put in one of its own): only then does a server this process
    starts reach the blocks' commands.
    """

    root: Path
    home: Path
    workdir: Path
    shims: Path
    tmp: Path
    env: dict[str, str]
    no_world: Path
    shares_network: bool = True

    def environment(self, world: PageWorld | None) -> dict[str, str]:
        """The environment blocks run with: base env, world env, world PATH entries first.

        Without a world, ``kubectl`` is the no-world stand-in (never the machine's)."""
        env = dict(self.env)
        if world is None:
            env["PATH"] = os.pathsep.join([str(self.no_world), self.env["PATH"]])
        else:
            env.update(world.env)
            prepend = [str(p) for p in world.path_prepend]
            env["PATH"] = os.pathsep.join([*prepend, self.env["PATH"]])
        return env

    def start_dir(self, world: PageWorld | None) -> Path:
        return world.cwd if world is not None and world.cwd is not None else self.workdir

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def make_sandbox(label: str, shares_network: bool = True) -> Sandbox:
    """Create a fresh sandbox; ``label`` only names the temp dir."""
    safe = "".join(c if c.isalnum() else "-" for c in label)[-40:]
    root = Path(tempfile.mkdtemp(prefix=f"docproof-{safe}-")).resolve()
    names = ("home", "work", "shims", "tmp", "no-world")
    home, workdir, shims, tmp, no_world = (root / name for name in names)
    for directory in (home, workdir, shims, tmp, no_world):
        directory.mkdir()
    (home / ".gitconfig").write_text(_GITCONFIG, encoding="utf-8")
    kubeconfig = home / ".kube" / "no-world.yaml"
    kubeconfig.parent.mkdir()
    kubeconfig.write_text(_NO_WORLD_KUBECONFIG, encoding="utf-8")
    (no_world / "kubectl").write_text(_NO_WORLD_SHIM, encoding="utf-8")
    (no_world / "kubectl").chmod(0o755)
    for tool in NETWORK_TOOLS:
        shim = shims / tool
        shim.write_text(_SHIM, encoding="utf-8")
        shim.chmod(0o755)
    python_bin = str(Path(sys.executable).parent)
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join([str(shims), python_bin, *_SYSTEM_PATH]),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "TERM": "dumb",
        "COLUMNS": "100",
        "KUBECONFIG": str(kubeconfig),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "PAGER": "cat",
        "GIT_PAGER": "cat",
    }
    return Sandbox(root, home, workdir, shims, tmp, env, no_world, shares_network)


def network_isolation() -> tuple[str, ...]:
    """The command prefix that puts a process in a network namespace of its own, if any.

    Probed once per session: ``unshare --net`` (root), then an unprivileged user namespace.
    An empty tuple means only the shims and git's protocol rules block the network.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "--net"), (unshare, "--user", "--map-current-user", "--net")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return ()
