"""`/repos/{owner}/{repo}/branches/{branch}/protection`: read or remove the rule that makes
origin's pre-receive hook decline pushes to `published` (GH006, "Changes must be made
through a pull request"), i.e. the pod's pushes end `[remote rejected]` while it exists."""

from typing import Any

from aiohttp import web

from podsim.apiserver.github.errors import GitHubError, json_response
from podsim.apiserver.github.routes import REPO, STORE, api_url, check_repository
from podsim.world import World

_DOCS = "https://docs.github.com/rest/branches/branch-protection"
_PATH = f"{REPO}/branches/{{branch}}/protection"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(_PATH, _get)
    router.add_delete(_PATH, _delete)


def protection_object(request: web.Request, branch: str) -> dict[str, Any]:
    """The rule the model enforces, in GitHub's shape: a pull request is required."""
    url = api_url(request, f"branches/{branch}/protection")
    return {
        "url": url,
        "required_pull_request_reviews": {
            "url": f"{url}/required_pull_request_reviews", "dismiss_stale_reviews": False,
            "require_code_owner_reviews": False, "require_last_push_approval": False,
            "required_approving_review_count": 1},
        "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": False},
        "required_linear_history": {"enabled": False},
        "allow_force_pushes": {"enabled": False},
        "allow_deletions": {"enabled": False},
    }


async def _get(request: web.Request) -> web.Response:
    docs = f"{_DOCS}#get-branch-protection"
    check_repository(request, docs)
    with request.app[STORE].session() as world:
        branch = _protected_branch(request, world, docs)
    return json_response(protection_object(request, branch))


async def _delete(request: web.Request) -> web.Response:
    docs = f"{_DOCS}#delete-branch-protection"
    check_repository(request, docs)
    with request.app[STORE].session(save=True) as world:
        _protected_branch(request, world, docs)
        world.origin.protect_branch(False)
    return web.Response(status=204)


def _protected_branch(request: web.Request, world: World, docs: str) -> str:
    """The branch named, if it exists and is protected; GitHub's 404 otherwise."""
    branch = request.match_info["branch"]
    if branch not in world.origin.branches():
        raise GitHubError(404, "Branch not found", docs)
    if not world.origin.branch_protected(branch):
        raise GitHubError(404, "Branch not protected", docs)
    return branch
