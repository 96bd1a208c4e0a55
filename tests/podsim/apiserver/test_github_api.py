"""The GitHub REST API site: the routes the runbooks' gh commands call, GitHub's shapes and
errors, and their effect on origin (which key may push; whether published is protected)."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podsim.apiserver import ApiServer
from podsim.apiserver.github import GitHubSite
from podsim.apiserver.github.client import gh_binary, gh_environment
from podsim.origin import ORIGIN_URL
from podsim.world import World

TOKEN = "test-token"
REPO = "/api/v3/repos/CodeForPhilly/codeforphilly-data"
GH_REPO = ("--repo", "CodeForPhilly/codeforphilly-data")


@pytest.fixture
def served(tls: Path, tmp_path: Path) -> Iterator[tuple[World, str]]:
    world = World.create(tmp_path / "world")
    site = GitHubSite(tls / "cert.pem", tls / "key.pem", TOKEN)
    with ApiServer(world.root, github=site) as server:
        yield world, server.github_host


def call(host: str, tls: Path, method: str, path: str, body: Any = None,
         token: str | None = TOKEN) -> tuple[int, Any]:
    headers = {"Authorization": f"token {token}"} if token is not None else {}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"https://{host}{path}", data, headers, method=method)
    context = ssl.create_default_context(cafile=str(tls / "cert.pem"))
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as reply:
            raw = reply.read()
            return reply.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def new_key(where: Path, name: str = "id_ed25519") -> Path:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test",
                    "-f", str(where / name)], check=True)
    return where / name


def git_with_key(
    world: World, key: Path, *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_SSH_COMMAND": world.origin.ssh_command(key)}
    return subprocess.run(["git", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_list_shows_the_worlds_deploy_key_in_githubs_shape(
    served: tuple[World, str], tls: Path
) -> None:
    world, host = served
    status, keys = call(host, tls, "GET", f"{REPO}/keys?per_page=100")
    assert status == 200
    assert keys == [{
        "id": 101000001, "key": "podsim-deploy-key-1",
        "url": f"https://{host}{REPO}/keys/101000001", "title": "codeforphilly-api",
        "verified": True, "created_at": world.utc(0).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "read_only": False, "added_by": "codeforphilly-operator", "last_used": None,
        "enabled": True}]
    assert call(host, tls, "GET", f"{REPO}/keys/101000001") == (200, keys[0])


@pytest.mark.parametrize(("method", "path", "token", "status", "message", "docs"), [
    ("GET", f"{REPO}/keys", None, 401, "Bad credentials", "https://docs.github.com/rest"),
    ("GET", f"{REPO}/keys", "wrong", 401, "Bad credentials", "https://docs.github.com/rest"),
    ("GET", f"{REPO}/nothing-here", TOKEN, 404, "Not Found", "https://docs.github.com/rest"),
    ("PUT", f"{REPO}/keys", TOKEN, 404, "Not Found", "https://docs.github.com/rest"),
    ("GET", "/repos/CodeForPhilly/codeforphilly-data/keys", TOKEN, 404, "Not Found",
     "https://docs.github.com/rest"),
    ("GET", "/api/v3/repos/CodeForPhilly/other/keys", TOKEN, 404, "Not Found",
     "https://docs.github.com/rest/deploy-keys/deploy-keys#list-deploy-keys"),
    ("DELETE", f"{REPO}/keys/999", TOKEN, 404, "Not Found",
     "https://docs.github.com/rest/deploy-keys/deploy-keys#delete-a-deploy-key"),
    ("GET", f"{REPO}/branches/published/protection", TOKEN, 404, "Branch not protected",
     "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"),
    ("DELETE", f"{REPO}/branches/nope/protection", TOKEN, 404, "Branch not found",
     "https://docs.github.com/rest/branches/branch-protection#delete-branch-protection"),
])
def test_errors_come_in_githubs_shape(
    served: tuple[World, str], tls: Path, method: str, path: str, token: str | None,
    status: int, message: str, docs: str,
) -> None:
    _, host = served
    assert call(host, tls, method, path, token=token) == (
        status, {"message": message, "documentation_url": docs, "status": str(status)})


@pytest.mark.parametrize(("key", "message"), [
    ("", "key can't be blank"),
    ("not a key", "key is invalid. You must supply a key in OpenSSH public key format"),
    ("podsim-deploy-key-1", "key is invalid. You must supply a key in OpenSSH public key format"),
])
def test_add_refuses_what_is_not_a_public_key(
    served: tuple[World, str], tls: Path, key: str, message: str
) -> None:
    world, host = served
    status, reply = call(host, tls, "POST", f"{REPO}/keys", {"title": "t", "key": key})
    assert status == 422 and reply["message"] == "Validation Failed"
    assert reply["errors"] == [{"resource": "PublicKey", "code": "custom", "field": "key",
                                "message": message}]
    assert [k.id for k in world.origin.keys.entries()] == [101000001]


def test_deploy_keys_decide_which_key_may_fetch_and_push(
    served: tuple[World, str], tls: Path, tmp_path: Path
) -> None:
    world, host = served
    key = new_key(tmp_path / "keys")
    public = key.with_suffix(".pub").read_text()
    clone = tmp_path / "clone"
    assert git_with_key(world, key, "clone", "-q", ORIGIN_URL, str(clone),
                        cwd=tmp_path).returncode != 0  # not a deploy key yet

    status, added = call(host, tls, "POST", f"{REPO}/keys",
                         {"title": "reader", "key": public, "read_only": True})
    assert status == 201 and added["read_only"] is True
    assert added["key"] == " ".join(public.split()[:2])  # the comment is not kept
    assert added["created_at"] == world.utc().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert call(host, tls, "POST", f"{REPO}/keys", {"title": "again", "key": public})[1][
        "errors"][0]["message"] == "key is already in use"
    assert git_with_key(world, key, "clone", "-q", ORIGIN_URL, str(clone),
                        cwd=tmp_path).returncode == 0
    subprocess.run(["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    refused = git_with_key(world, key, "push", "-q", "origin", "HEAD:published", cwd=clone)
    assert "The key you are authenticating with has been marked as read only" in refused.stderr

    assert call(host, tls, "DELETE", f"{REPO}/keys/{added['id']}") == (204, None)
    status, writer = call(host, tls, "POST", f"{REPO}/keys",
                          {"title": "writer", "key": public, "read_only": False})
    assert writer["id"] == added["id"] + 1  # ids are never reused
    pushed = git_with_key(world, key, "push", "-q", "origin", "HEAD:published", cwd=clone)
    assert pushed.returncode == 0, pushed.stderr

    assert call(host, tls, "DELETE", f"{REPO}/keys/{writer['id']}") == (204, None)
    gone = git_with_key(world, key, "fetch", "-q", "origin", cwd=clone)
    assert "Permission denied (publickey)" in gone.stderr


def test_deleting_the_mounted_key_revokes_the_pod(
    served: tuple[World, str], tls: Path
) -> None:
    world, host = served
    assert "deploy-key-revoked" not in world.origin.active_faults()
    assert call(host, tls, "DELETE", f"{REPO}/keys/101000001") == (204, None)
    assert "deploy-key-revoked" in world.origin.active_faults()


def test_removing_branch_protection_lets_pushes_to_published_through(
    served: tuple[World, str], tls: Path
) -> None:
    world, host = served
    world.origin.protect_branch(True)
    path = f"{REPO}/branches/published/protection"
    status, rule = call(host, tls, "GET", path)
    assert status == 200 and rule["url"] == f"https://{host}{path}"
    assert rule["required_pull_request_reviews"]["required_approving_review_count"] == 1
    assert call(host, tls, "DELETE", path) == (204, None)
    assert not world.origin.branch_protected()
    assert call(host, tls, "DELETE", path)[1]["message"] == "Branch not protected"


def test_the_real_gh_lists_adds_and_deletes_through_the_site(
    served: tuple[World, str], tls: Path, tmp_path: Path
) -> None:
    world, host = served
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GH_HOST": host,
           **gh_environment(TOKEN, tls / "cert.pem", tmp_path / "gh-config")}

    def gh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(gh_binary()), *args], env=env, capture_output=True,
                              text=True, timeout=60, check=False)

    created = world.utc(0).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = gh("repo", "deploy-key", "list", *GH_REPO)
    assert listed.stdout == (
        f"101000001\tcodeforphilly-api\tread-write\tpodsim-deploy-key-1\t{created}\n")
    public = new_key(tmp_path / "keys").with_suffix(".pub")
    assert gh("repo", "deploy-key", "add", str(public), *GH_REPO, "-t", "new").returncode == 0
    # gh exports a deploy key with the API's own field names (read_only, not readOnly).
    ids = gh("repo", "deploy-key", "list", *GH_REPO, "--json", "id,readOnly",
             "--jq", '.[] | select(.read_only) | .id')
    assert ids.stdout.split() == ["101000002"]  # without --allow-write the key is read-only
    assert gh("repo", "deploy-key", "delete", "101000001", *GH_REPO).returncode == 0
    assert [k.id for k in world.origin.keys.entries()] == [101000002]
    world.origin.protect_branch(True)
    deleted = gh("api", "-X", "DELETE",
                 "repos/CodeForPhilly/codeforphilly-data/branches/published/protection")
    assert deleted.returncode == 0 and not world.origin.branch_protected()
    again = gh("api", "-X", "DELETE",
               "repos/CodeForPhilly/codeforphilly-data/branches/published/protection")
    assert again.returncode == 1 and "gh: Branch not protected (HTTP 404)" in again.stderr
