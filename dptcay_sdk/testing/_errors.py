"""The error the sandbox answers with, in the two body shapes of the contract.

401, 403 and 429 use the documented flat shape ``{"error": "Unauthorized", "code": 401,
"message": ...}``; request and state errors use the nested ``{"error": {"code": ...,
"message": ...}}`` shape whose ``error.code`` the API reference calls machine readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared_auth._models import JSONValue


class SandboxError(Exception):
    """An API error: the HTTP status and the JSON body the sandbox sends for it.

    The Python control methods of [`DptcaySandbox`][dptcay_sdk.testing.DptcaySandbox] raise it too,
    with the same status and body the matching HTTP route would answer.

    Attributes:
        status: The HTTP status code.
        body: The JSON error body.
    """

    __module__ = "dptcay_sdk.testing"  # where users import it from (tracebacks, pickles)

    def __init__(self, status: int, body: dict[str, JSONValue]) -> None:
        self.status = status
        self.body = body
        super().__init__(f"{status} {self.code}: {self.message}")

    @property
    def code(self) -> str:
        """The machine-readable code (``"invalid_request"``) or the flat title."""
        error = self.body["error"]
        return str(error["code"] if isinstance(error, dict) else error)

    @property
    def message(self) -> str:
        """The human-readable explanation."""
        error = self.body["error"]
        return str(error["message"] if isinstance(error, dict) else self.body["message"])


def _flat(status: int, title: str, message: str) -> SandboxError:
    return SandboxError(status, {"error": title, "code": status, "message": message})


def _nested(status: int, code: str, message: str) -> SandboxError:
    return SandboxError(status, {"error": {"code": code, "message": message}})


def unauthorized(message: str) -> SandboxError:
    """401 in the documented flat shape."""
    return _flat(401, "Unauthorized", message)


def forbidden(scope: str) -> SandboxError:
    """403 naming the scope the key lacks."""
    return _flat(403, "Forbidden", f"This key lacks the {scope} scope")


def rate_limited(message: str) -> SandboxError:
    """429 in the documented flat shape."""
    return _flat(429, "Rate Limited", message)


def invalid_request(message: str) -> SandboxError:
    """400 for a body or parameter the API refuses."""
    return _nested(400, "invalid_request", message)


def resource_missing(message: str) -> SandboxError:
    """404 for an unknown object."""
    return _nested(404, "resource_missing", message)


def invalid_state(message: str) -> SandboxError:
    """409 for a state transition the lifecycle does not allow."""
    return _nested(409, "invalid_state", message)


def route_error(status: int) -> SandboxError:
    """404/405 for a path or method no route serves.

    The path is deliberately not echoed: a mistyped revoke URL carries a secret key.
    """
    if status == 405:
        return _nested(405, "method_not_allowed", "This route does not accept that method")
    return _nested(status, "not_found", "No route matches this method and path")
