"""A fresh world per test (these tests change it) and the real kubectl bound to it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver_rig import Kubectl

from podsim.apiserver import ApiServer
from podsim.world import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World.create(tmp_path / "world")


@pytest.fixture
def k(world: World, tmp_path: Path) -> Iterator[Kubectl]:
    """kubectl whose kubeconfig's default namespace is the deployment's."""
    with ApiServer(world.root) as server:
        yield Kubectl(server, tmp_path / "home")
