"""`/repos/{owner}/{repo}/keys`: list, get, add and delete the repository's deploy keys
(what `gh repo deploy-key list|add|delete` call), backed by origin's key list, so what is
added or deleted here decides which ssh key origin accepts for a push."""

import json
from dataclasses import asdict
from typing import Any

from aiohttp import web

from podsim.apiserver.github.errors import GitHubError, json_response, not_found, validation_failed
from podsim.apiserver.github.routes import REPO, STORE, api_url, check_repository
from podsim.deploy_keys import DeployKey, InvalidPublicKey, KeyInUse, public_identity

_DOCS = "https://docs.github.com/rest/deploy-keys/deploy-keys"
_ADDED_BY = "codeforphilly-operator"  # the login the sandbox's token belongs to


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(f"{REPO}/keys", _list)
    router.add_post(f"{REPO}/keys", _add)
    router.add_get(f"{REPO}/keys/{{key_id}}", _get)
    router.add_delete(f"{REPO}/keys/{{key_id}}", _delete)


def key_object(request: web.Request, key: DeployKey) -> dict[str, Any]:
    """A deploy key in GitHub's REST shape."""
    fields = asdict(key)
    return {"id": fields["id"], "key": fields["key"], "url": api_url(request, f"keys/{key.id}"),
            "title": fields["title"], "verified": True, "created_at": fields["created_at"],
            "read_only": fields["read_only"], "added_by": _ADDED_BY, "last_used": None,
            "enabled": True}


async def _list(request: web.Request) -> web.Response:
    check_repository(request, f"{_DOCS}#list-deploy-keys")
    with request.app[STORE].session() as world:
        keys = world.origin.keys.entries()
    return json_response([key_object(request, key) for key in keys])


async def _get(request: web.Request) -> web.Response:
    docs = f"{_DOCS}#get-a-deploy-key"
    check_repository(request, docs)
    wanted = _key_id(request, docs)
    with request.app[STORE].session() as world:
        found = [key for key in world.origin.keys.entries() if key.id == wanted]
    if not found:
        raise not_found(docs)
    return json_response(key_object(request, found[0]))


async def _add(request: web.Request) -> web.Response:
    docs = f"{_DOCS}#create-a-deploy-key"
    check_repository(request, docs)
    body = await _json_body(request, docs)
    key, title, read_only = body.get("key"), body.get("title", ""), body.get("read_only", False)
    if not isinstance(key, str) or not key.strip():
        raise validation_failed("PublicKey", "key", "key can't be blank", docs)
    if not isinstance(title, str) or not isinstance(read_only, bool):
        raise GitHubError(422, "Invalid request: title must be a string, read_only a boolean",
                          docs)
    try:
        identity = public_identity(key)
    except InvalidPublicKey as invalid:
        raise validation_failed("PublicKey", "key", str(invalid), docs) from None
    with request.app[STORE].session(save=True) as world:
        try:
            added = world.origin.add_deploy_key(title, identity, read_only)
        except KeyInUse as refused:
            raise validation_failed("PublicKey", "key", str(refused), docs) from None
    return json_response(key_object(request, added), status=201)


async def _delete(request: web.Request) -> web.Response:
    docs = f"{_DOCS}#delete-a-deploy-key"
    check_repository(request, docs)
    wanted = _key_id(request, docs)
    with request.app[STORE].session(save=True) as world:
        deleted = world.origin.keys.delete(wanted)
    if not deleted:
        raise not_found(docs)
    return web.Response(status=204)


def _key_id(request: web.Request, docs: str) -> int:
    raw = request.match_info["key_id"]
    if not raw.isdigit():
        raise not_found(docs)
    return int(raw)


async def _json_body(request: web.Request, docs: str) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        raise GitHubError(400, "Problems parsing JSON", docs) from None
    if not isinstance(body, dict):
        raise GitHubError(400, "Problems parsing JSON", docs)
    return body
