"""The one error tree both SDKs raise; each SDK re-exports it.

The tree::

    SDKError
    ├── ClientClosedError (RuntimeError)     a call on a client that was closed
    ├── ConfigurationError (ValueError)      bad key format, base URL, missing settings
    │   └── MissingCredentialError           a route family's credential was not configured
    ├── InvalidInputError (ValueError)       refused before any network I/O
    │   └── InvalidInputTypeError (TypeError)   e.g. a float where money is expected
    ├── RateBudgetUnavailableError           the shared rate budget's Redis is unreachable:
    │                                        nothing was sent
    └── APIError                             anything that happened talking to the API
        ├── APIConnectionError               no response: the connection failed
        │   └── APITimeoutError              no response in time
        ├── APIStatusError                   the API answered with an error
        │   ├── BadRequestError              400
        │   ├── AuthenticationError          401
        │   ├── PermissionDeniedError        403
        │   ├── NotFoundError                404
        │   ├── ConflictError                409
        │   ├── UnprocessableEntityError     422
        │   ├── RateLimitError               429 (``retry_after``)
        │   └── InternalServerError          5xx
        ├── ResponseValidationError          a success body the SDK could not read
        ├── PaginationError                  a listing kept announcing pages past max_pages
        └── OutcomeUnknownError              a non-idempotent request was sent, then failed:
                                             its effect is unknown; reconcile, don't resend

Messages never contain a credential: every message passes through [`redact`][shared_auth.redact].
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

from shared_auth._redact import redact

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shared_auth._ratelimit import RateLimit

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "MissingCredentialError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "RateBudgetUnavailableError",
    "RateLimitError",
    "ResponseValidationError",
    "SDKError",
    "UnprocessableEntityError",
    "status_error_class",
]

_EXCERPT_LENGTH: Final = 200


class SDKError(Exception):
    """Base of every error the SDKs raise."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        """The human-readable message (credentials masked)."""
        return str(self.args[0]) if self.args else ""


class ClientClosedError(SDKError, RuntimeError):
    """A call on a client that was closed (``aclose()``/``close()``, or its ``with`` ended).

    Raised before any I/O. It is a ``RuntimeError`` too, as the plain error it replaces was.
    Create a new client (one per application, kept open while it is used).
    """


class ConfigurationError(SDKError, ValueError):
    """The client was configured with something it cannot use."""


class MissingCredentialError(ConfigurationError):
    """A route family was called without its credential."""


class InvalidInputError(SDKError, ValueError):
    """An argument was refused before any network I/O.

    Attributes:
        field: The argument's name, as the caller spelled it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInputTypeError(InvalidInputError, TypeError):
    """An argument had the wrong type (e.g. a ``float`` amount)."""


class RateBudgetUnavailableError(SDKError):
    """The shared rate budget (``rate_budget=``) could not be reached; nothing was sent.

    Raised when the budget's Redis is down, frozen or unreachable and the client fails
    closed (``rate_budget_outage="fail"``, the default), so no process exceeds the key's
    limit on its own. The request was never sent: retrying it later is safe.

    Attributes:
        target: Where the budget lives, credentials masked (e.g. ``redis://127.0.0.1:6379/0``).
    """

    def __init__(self, message: str, *, target: str) -> None:
        super().__init__(message)
        self.target = target


class APIError(SDKError):
    """Something happened while talking to the API.

    Attributes:
        method: The HTTP method of the request.
        path: The request path, with any credential in it masked.
    """

    def __init__(self, message: str, *, method: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.method = method
        self.path = redact(path) if path is not None else None


class APIConnectionError(APIError):
    """No response arrived: the connection could not be made or broke."""


class APITimeoutError(APIConnectionError):
    """No response arrived in time (per-attempt timeout or the call's total deadline)."""


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes:
        status_code: The HTTP status (or, for an error inside a 200, the body's status).
        code: The API's machine-readable error code or label, when it sent one.
        api_message: The API's own message, when it sent one.
        messages: Each of the API's messages (several for a validation error that lists
            every failed rule; otherwise ``api_message`` alone).
        request_id: The response's request id, when it had one.
        rate_limit: The rate-limit headers of the response.
        body_excerpt: The start of the body, credentials masked.
    """

    status: ClassVar[int] = 0

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        api_message: str | None = None,
        messages: tuple[str, ...] = (),
        request_id: str | None = None,
        rate_limit: RateLimit | None = None,
        body_excerpt: str = "",
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, method=method, path=path)
        self.status_code = status_code
        self.code = code
        self.api_message = redact(api_message) if api_message is not None else None
        if messages:
            self.messages = tuple(redact(m) for m in messages)
        else:
            self.messages = (self.api_message,) if self.api_message is not None else ()
        self.request_id = request_id
        self.rate_limit = rate_limit
        self.body_excerpt = redact(body_excerpt[:_EXCERPT_LENGTH])


class BadRequestError(APIStatusError):
    """400: the request was invalid or a business rule refused it."""

    status = 400


class AuthenticationError(APIStatusError):
    """401: the credential was missing, malformed, revoked or of the wrong kind."""

    status = 401


class PermissionDeniedError(APIStatusError):
    """403: the credential lacks the permission (scope, tier) the operation needs."""

    status = 403


class NotFoundError(APIStatusError):
    """404: no such resource."""

    status = 404


class ConflictError(APIStatusError):
    """409: the resource is not in a state that allows the operation."""

    status = 409


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but semantically invalid."""

    status = 422


class RateLimitError(APIStatusError):
    """429: too many requests.

    Attributes:
        retry_after: Seconds the server asked to wait, when it said.
    """

    status = 429

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before retrying, from ``Retry-After`` or the window reset."""
        if self.rate_limit is None:
            return None
        if self.rate_limit.retry_after is not None:
            return self.rate_limit.retry_after
        return self.rate_limit.seconds_until_reset()


class InternalServerError(APIStatusError):
    """5xx: the server failed."""

    status = 500


class ResponseValidationError(APIError):
    """A success response did not have the shape the SDK expects.

    Attributes:
        errors: One line per problem, each naming the path that failed (``$.amount``…).
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[str] = (),
        method: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        body_excerpt: str = "",
    ) -> None:
        detail = "; ".join(errors)
        super().__init__(f"{message}: {detail}" if detail else message, method=method, path=path)
        self.errors = tuple(redact(e) for e in errors)
        self.status_code = status_code
        self.request_id = request_id
        self.body_excerpt = redact(body_excerpt[:_EXCERPT_LENGTH])


class PaginationError(APIError):
    """A walk over pages stopped because the server kept announcing another page.

    Raised by ``iterate()`` after ``max_pages`` pages when the listing still said more
    follow (no last page by its totals, no empty or repeated page): a server that loops.
    The rows of the pages read were already yielded.

    Attributes:
        pages: How many pages were read.
        max_pages: The limit that was reached.
    """

    def __init__(
        self,
        message: str,
        *,
        pages: int,
        max_pages: int,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, method=method, path=path)
        self.pages = pages
        self.max_pages = max_pages


class OutcomeUnknownError(APIError):
    """A request that changes state was sent, then failed before its outcome was known.

    It may or may not have taken effect. Do not send it again: look it up by
    ``reference`` (reconcile) first. The underlying failure is ``__cause__``.

    Attributes:
        reference: The caller's reference for the operation (an order id or ``customerRef``).
        status_code: The HTTP status that was read, if an answer arrived (a 2xx whose body
            could not be read means the operation most likely took effect).
        request_id: The answer's request id, if one arrived.
        body_excerpt: The start of the answer's body, if one arrived (credentials masked).
    """

    def __init__(
        self,
        message: str,
        *,
        reference: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        body_excerpt: str = "",
    ) -> None:
        super().__init__(message, method=method, path=path)
        self.reference = reference
        self.status_code = status_code
        self.request_id = request_id
        self.body_excerpt = redact(body_excerpt[:_EXCERPT_LENGTH])


_BY_STATUS: Final[dict[int, type[APIStatusError]]] = {
    cls.status: cls
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
    )
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The error class for an HTTP status."""
    if status_code >= 500:  # noqa: PLR2004
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


# Tracebacks and pickles name the public module users import these from, not this file.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = "shared_auth"
