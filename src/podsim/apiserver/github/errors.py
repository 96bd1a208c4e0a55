"""GitHub's REST error bodies: `{"message", "documentation_url", "status"}`, and for a
request that fails validation an `errors` list naming the resource, field and code."""

import json
from typing import Any

from aiohttp import web

DOCS = "https://docs.github.com/rest"


class GitHubError(Exception):
    """A request answered with GitHub's error shape instead of an object."""

    def __init__(self, status: int, message: str, docs: str = DOCS,
                 errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.docs = docs
        self.errors = errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.docs
        body["status"] = str(self.status)  # GitHub sends the status as a string
        return json_response(body, self.status)


def not_found(docs: str = DOCS) -> GitHubError:
    return GitHubError(404, "Not Found", docs)


def validation_failed(resource: str, field: str, message: str, docs: str) -> GitHubError:
    """422: what GitHub answers when a field's value is refused."""
    return GitHubError(422, "Validation Failed", docs,
                       [{"resource": resource, "code": "custom", "field": field,
                         "message": message}])


def json_response(body: object, status: int = 200) -> web.Response:
    # GitHub answers compact JSON.
    return web.Response(body=json.dumps(body, separators=(",", ":")).encode(), status=status,
                        content_type="application/json", charset="utf-8")
