"""The endpoint forked from this process: up when serve_forked returns, gone after stop."""

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from apiserver_rig import NS

from podsim.apiserver.forked import serve_forked
from podsim.errors import WorldError
from podsim.world import World


def test_the_forked_endpoint_serves_the_world_writes_the_kubeconfig_and_stops(
    world: World, tmp_path: Path
) -> None:
    kubeconfig = tmp_path / "kubeconfig.yaml"
    endpoint = serve_forked([str(world.root), "--kubeconfig", str(kubeconfig)],
                            tmp_path / "apiserver.log")
    pid, url = endpoint.pid, endpoint.line
    try:
        assert url.startswith("http://127.0.0.1:")
        assert url in kubeconfig.read_text()
        with urllib.request.urlopen(f"{url}/api/v1/namespaces/{NS}/pods") as answer:
            served = [pod["metadata"]["name"] for pod in json.load(answer)["items"]]
        assert served == [pod.name for pod in world.pods()] != []
    finally:
        endpoint.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/api", timeout=5)


def test_an_endpoint_that_cannot_start_is_an_error_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(WorldError, match=r"did not start \(log .*apiserver\.log\)") as raised:
        serve_forked([str(tmp_path / "no-world"), "--ingress-cert", "x"],
                     tmp_path / "apiserver.log")
    assert "--ingress-cert, --ingress-key and --reload-secret-file go together" in str(
        raised.value)
