"""A GitHub REST API endpoint served from a podsim world, so the real `gh` can talk to it.

It answers the calls the runbooks' `gh` commands make, under GitHub Enterprise's `/api/v3`
prefix (gh's URL for any host but github.com): the data repository's deploy keys and the
branch protection of `published`. Both are backed by the world's origin, so a key added or
deleted here decides which ssh key origin accepts, and removing the protection lets the
pod's next push through. Errors and unknown routes answer in GitHub's JSON error shape.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from podsim.apiserver.github.app import GitHubSite, build_github_app

__all__ = ["GitHubSite", "build_github_app"]


def __getattr__(name: str) -> Any:
    # The site (aiohttp) is imported when first asked for: finding gh does not need it.
    if name in __all__:
        from podsim.apiserver.github import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
