"""The hot-reload webhook behind the simulated ingress: HTTPS on loopback, upstream's auth
and body rules, the world's own hot-reload answer."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podsim.apiserver import ApiServer
from podsim.apiserver.ingress import RELOAD_PATH, Ingress
from podsim.world import World

SECRET = "s" * 32


@pytest.fixture(scope="module")
def served(tls: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str]]:
    world = World.create(tmp_path_factory.mktemp("ingress") / "world")
    world.wait_until_serving()
    with ApiServer(world.root, Ingress(tls / "cert.pem", tls / "key.pem", SECRET)) as server:
        yield world, server.ingress_host


def _post(host: str, tls: Path, body: bytes, token: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"https://{host}{RELOAD_PATH}", body, headers)
    context = ssl.create_default_context(cafile=str(tls / "cert.pem"))
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(("body", "token", "status", "message"), [
    (b"{}", None, 401, "missing bearer token"),
    (b"{}", "t" * 32, 401, "invalid reload token"),
    (b'{"force": true}', SECRET, 400, "additional properties: force"),
    (b'{"commitHash": "xyz"}', SECRET, 400, "commitHash must match"),
    (b'{"branch": ""}', SECRET, 400, "branch must be a string"),
])
def test_refused_requests_change_nothing(
    served: tuple[World, str], tls: Path, body: bytes, token: str | None, status: int,
    message: str,
) -> None:
    world, host = served
    before = world.now
    code, reply = _post(host, tls, body, token)
    assert (code, reply["statusCode"]) == (status, status)
    assert message in reply["message"]
    assert world.now == before


def test_the_webhook_fast_forwards_then_short_circuits(
    served: tuple[World, str], tls: Path
) -> None:
    world, host = served
    tip = world.origin.advance(world.utc(), "notes/x.md", "x\n", "Import batch")
    code, reply = _post(host, tls, json.dumps({"commitHash": tip}).encode(), SECRET)
    assert (code, reply["outcome"], reply["rebuilt"], reply["newCommit"]) == (
        200, "fast-forwarded", True, tip)
    code, again = _post(host, tls, json.dumps({"commitHash": tip}).encode(), SECRET)
    assert (code, again["noChanges"], again["outcome"], again["head"]) == (
        200, True, "in-sync", tip)


def test_a_short_secret_is_refused(tls: Path) -> None:
    with pytest.raises(ValueError, match="at least 32 characters"):
        Ingress(tls / "cert.pem", tls / "key.pem", "short")
