"""What every route shares: the URL prefix, the world store, and the one repository."""

from aiohttp import web

from podsim.apiserver.github.errors import not_found
from podsim.apiserver.store import WorldStore

PREFIX = "/api/v3"  # GitHub Enterprise's REST prefix, which gh uses for any host but github.com
REPO = f"{PREFIX}/repos/{{owner}}/{{repo}}"
STORE = web.AppKey("store", WorldStore)
# origin.git is this repository (deploy/: CFP_DATA_REMOTE); GitHub matches names ignoring case.
REPOSITORY = "CodeForPhilly/codeforphilly-data"


def check_repository(request: web.Request, docs: str) -> None:
    """404 unless the request names the data repository (as GitHub hides what you lack)."""
    named = f"{request.match_info['owner']}/{request.match_info['repo']}"
    if named.lower() != REPOSITORY.lower():
        raise not_found(docs)


def api_url(request: web.Request, path: str) -> str:
    """An absolute URL on this site, as GitHub puts in `url` fields."""
    return f"https://{request.host}{PREFIX}/repos/{REPOSITORY}/{path}"
