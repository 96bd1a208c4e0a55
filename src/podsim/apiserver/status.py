"""Errors as the apiserver sends them: `Status` objects kubectl renders itself.

kubectl prints `Error from server (<reason>): <message>` from these, so the reason, the
code and the message carry the whole user-visible text.
"""

from typing import Any

Obj = dict[str, Any]


class ApiError(Exception):
    """A request the endpoint answers with a Status instead of an object."""

    def __init__(self, code: int, reason: str, message: str, details: Obj | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> Obj:
        body: Obj = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "code": self.code,
        }
        if self.reason:  # without one, kubectl prints "Error from server: <message>"
            body["reason"] = self.reason
        if self.details is not None:
            body["details"] = self.details
        return body


def not_found(resource: str, name: str, group: str = "") -> ApiError:
    """`pods "x" not found`, or `deployments.apps "x" not found` for a named group."""
    qualified = f"{resource}.{group}" if group else resource
    details: Obj = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(404, "NotFound", f'{qualified} "{name}" not found', details)


def path_not_found() -> ApiError:
    """What an apiserver answers for a path it does not serve."""
    return ApiError(404, "NotFound", "the server could not find the requested resource")


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def world_unavailable(problem: str) -> ApiError:
    """The world directory behind the endpoint is missing or unreadable."""
    return ApiError(503, "ServiceUnavailable", f"podsim world unavailable: {problem}")
