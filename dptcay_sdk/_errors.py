"""Reading dptcay's error bodies, the hints that say what to do, and the rotation error.

The docs show a flat body, ``{"error": "Unauthorized", "code": 401, "message": "…"}``, and
speak of a machine-readable ``error.code``, so the nested ``{"error": {"code": "…",
"message": "…"}}`` is read too. Anything else (a proxy's HTML page, an empty body) yields
no code or message; the pipeline still raises the typed error with the status and a body
excerpt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from dptcay_sdk._exceptions import APIError
from dptcay_sdk._spec import OPERATIONS
from shared_auth._outcomes import ErrorDetails

if TYPE_CHECKING:
    from dptcay_sdk._models import ApiKey

__all__ = ["KeyRotationError", "parse_error"]

# Phrased without "Bearer <placeholder>": shared_auth's redaction masks any token after
# "Bearer ", placeholders included.
_UNAUTHORIZED_HINT: Final = (
    "Check that the Authorization header is 'Bearer' followed by a space and your key, and "
    "that the key is active in the dptcay dashboard"
)
_RATE_LIMIT_HINT: Final = (
    "Wait for Retry-After before retrying; pass rate_plan= to the client to stay under your "
    "plan's limit, or upgrade the plan"
)
_NOT_JSON_HINT: Final = (
    "The body is not a dptcay error (a proxy or gateway may have answered); see body_excerpt"
)


def parse_error(status: int, body: Any, scope: str | None) -> ErrorDetails:
    """Read an error body into code, message and hint (the pipeline picks the class).

    Args:
        status: The HTTP status.
        body: The decoded JSON body, or ``None`` when it was empty or not JSON.
        scope: The scope the route needs (``payments:write``…), named in 403 hints.
    """
    code, message = _code_and_message(body)
    hint = _hint(status, scope)
    if code is None and message is None:
        hint = f"{hint}. {_NOT_JSON_HINT}" if hint else _NOT_JSON_HINT
    return ErrorDetails(code=code, message=message, hint=hint)


def _code_and_message(body: Any) -> tuple[str | None, str | None]:
    if not isinstance(body, Mapping):
        return None, None
    error = body.get("error")
    if isinstance(error, Mapping):  # {"error": {"code": "...", "message": "..."}}
        return _text(error.get("code")), _text(error.get("message"))
    # {"error": "Unauthorized", "code": 401, "message": "..."}: the numeric code repeats the
    # status, so the label is the more useful code; a string code wins when one is sent.
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, str) and raw_code else _text(error)
    return code, _text(body.get("message"))


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _hint(status: int, scope: str | None) -> str | None:
    if status == 401:  # noqa: PLR2004
        return _UNAUTHORIZED_HINT
    if status == 403:  # noqa: PLR2004
        needed = scope or "a scope this key lacks"
        return (
            f"This operation needs the {needed} scope; a read key cannot do it. Use a "
            "write key (create one with keys.create(scope='write') or in the dashboard)"
        )
    if status == 429:  # noqa: PLR2004
        return _RATE_LIMIT_HINT
    return None


class KeyRotationError(APIError):
    """Key rotation switched to the new key but could not revoke the old one.

    The client already uses the new key; the old key is still active. Store
    ``new_key`` (the API shows it only once), then revoke the old key with
    ``client.keys.revoke(old_key)``. The failure is ``__cause__``.

    Attributes:
        new_key: The key the client now uses.
    """

    __module__ = "dptcay_sdk"

    def __init__(self, message: str, *, new_key: ApiKey) -> None:
        revoke = OPERATIONS["keys.revoke"]
        super().__init__(message, method=revoke.method, path=revoke.path)
        self.new_key: ApiKey = new_key
