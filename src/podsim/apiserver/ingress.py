"""The API's public surface behind the cluster's ingress, as far as operators use it: the
hot-reload webhook, `POST /api/_internal/reload-data`, served over HTTPS from a world.

A page's curl to `https://$API_HOST/api/_internal/reload-data` then runs verbatim against
the simulated pod: the page sandbox points `API_HOST` at this site on its own loopback and
trusts its certificate. Authorization and body rules are upstream's (a bearer token equal to
`CFP_DATA_RELOAD_SECRET`, at least 32 characters; `{branch?, commitHash?}` and nothing else);
the error bodies are Fastify's usual shape, their wording this model's.
"""

import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from podsim.apiserver.store import WorldStore
from podsim.errors import WorldError

RELOAD_PATH = "/api/_internal/reload-data"
MIN_SECRET_LEN = 32
_COMMIT = re.compile(r"[0-9a-fA-F]{4,40}\Z")
_STORE = web.AppKey("store", WorldStore)


@dataclass(frozen=True)
class Ingress:
    """What the ingress site needs: its TLS certificate and key, and the reload secret the
    API was configured with."""

    cert: Path
    key: Path
    secret: str

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET_LEN:
            raise ValueError(f"the reload secret must be at least {MIN_SECRET_LEN} characters")


_INGRESS = web.AppKey("ingress", Ingress)


def build_ingress_app(store: WorldStore, ingress: Ingress) -> web.Application:
    app = web.Application()
    app[_STORE] = store
    app[_INGRESS] = ingress
    app.router.add_post(RELOAD_PATH, _reload_data)
    return app


def _error(status: int, error: str, message: str) -> web.Response:
    return web.json_response({"statusCode": status, "error": error, "message": message},
                             status=status, dumps=_compact)


def _compact(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))  # as Fastify serialises replies


async def _reload_data(request: web.Request) -> web.Response:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not token:
        return _error(401, "Unauthorized", "missing bearer token")
    if not hmac.compare_digest(token.encode(), request.app[_INGRESS].secret.encode()):
        return _error(401, "Unauthorized", "invalid reload token")
    try:
        body = json.loads(await request.text() or "{}")
    except json.JSONDecodeError:
        return _error(400, "Bad Request", "body is not JSON")
    problem = _body_problem(body)
    if problem:
        return _error(400, "Bad Request", problem)
    try:
        with request.app[_STORE].session(save=True) as world:
            reply = world.hot_reload(branch=body.get("branch"), commit_hash=body.get("commitHash"))
    except WorldError as error:  # no serving pod behind the ingress
        return _error(503, "Service Unavailable", f"podsim: {error}")
    return web.json_response(reply["body"], status=int(reply["status"]), dumps=_compact)


def _body_problem(body: object) -> str | None:
    if not isinstance(body, dict):
        return "body must be an object"
    extra = sorted(set(body) - {"branch", "commitHash"})
    if extra:
        return f"body must NOT have additional properties: {', '.join(extra)}"
    branch, commit = body.get("branch"), body.get("commitHash")
    if branch is not None and not (isinstance(branch, str) and 1 <= len(branch) <= 200):
        return "body/branch must be a string of 1 to 200 characters"
    if commit is not None and not (isinstance(commit, str) and _COMMIT.match(commit)):
        return "body/commitHash must match pattern ^[0-9a-fA-F]{4,40}$"
    return None
