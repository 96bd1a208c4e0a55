"""The site: `/api/v3` routes, token check, and GitHub's error shape for every failure.

gh sends `Authorization: token <GH_ENTERPRISE_TOKEN>`; any other token is "Bad
credentials", as on GitHub.
"""

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from podsim.apiserver.github import deploy_keys, protection
from podsim.apiserver.github.errors import GitHubError, not_found
from podsim.apiserver.github.routes import PREFIX, STORE
from podsim.apiserver.store import WorldStore
from podsim.errors import WorldError


@dataclass(frozen=True)
class GitHubSite:
    """What the site needs: its TLS certificate and key, and the token gh must send."""

    cert: Path
    key: Path
    token: str

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("the GitHub site needs a token")


_SITE = web.AppKey("github-site", GitHubSite)


def build_github_app(store: WorldStore, site: GitHubSite) -> web.Application:
    app = web.Application(middlewares=[_errors, _authenticated])
    app[STORE] = store
    app[_SITE] = site
    deploy_keys.add_routes(app.router)
    protection.add_routes(app.router)
    return app


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every failure leaves in GitHub's shape; a route it does not have is a plain 404."""
    try:
        response: web.StreamResponse = await handler(request)
    except GitHubError as error:
        return error.response()
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        return not_found().response()
    except WorldError as error:  # the world refused: a server error, named
        return GitHubError(500, f"podsim: {error}").response()
    return response


@web.middleware
async def _authenticated(request: web.Request, handler: Any) -> web.StreamResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not request.path.startswith(PREFIX + "/"):
        raise not_found()
    if scheme.lower() not in ("token", "bearer") or not hmac.compare_digest(
            token.encode(), request.app[_SITE].token.encode()):
        raise GitHubError(401, "Bad credentials")
    response: web.StreamResponse = await handler(request)
    return response
