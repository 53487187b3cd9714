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
    ├── JournalError                         the purchase journal failed (``shared_auth.fleet``)
    │   ├── JournalUnavailableError          its backend is unreachable, timed out or failed
    │   ├── JournalMissingError              it was never created
    │   ├── JournalLostError                 it was deleted, replaced or flushed
    │   └── JournalVolatileError             a Redis without persistence
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

Messages never contain a credential: every message passes through `redact`.

These classes are the one table of the tree: each SDK derives its own subclass of every
one of them (`shared_auth._errortable`), and every package exports them from this
module's ``__all__``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Final

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
    "JournalError",
    "JournalLostError",
    "JournalMissingError",
    "JournalUnavailableError",
    "JournalVolatileError",
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
        self.field: str | None = field


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
        self.target: str = target


class APIError(SDKError):
    """Something happened while talking to the API.

    Attributes:
        method: The HTTP method of the request.
        path: The request path, with any credential in it masked.
    """

    def __init__(self, message: str, *, method: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.method: str | None = method
        self.path: str | None = redact(path) if path is not None else None


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

    #: The HTTP status a subclass stands for (``class NotFoundError(APIStatusError, status=404)``).
    status: ClassVar[int] = 0

    def __init_subclass__(cls, *, status: int | None = None, **kwargs: Any) -> None:
        """Record the status a subclass stands for (an SDK's derived class inherits it)."""
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status

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
        self.status_code: int = status_code
        self.code: str | None = code
        self.api_message: str | None = redact(api_message) if api_message is not None else None
        self.messages: tuple[str, ...]
        if messages:
            self.messages = tuple(redact(m) for m in messages)
        else:
            self.messages = (self.api_message,) if self.api_message is not None else ()
        self.request_id: str | None = request_id
        self.rate_limit: RateLimit | None = rate_limit
        self.body_excerpt: str = redact(body_excerpt[:_EXCERPT_LENGTH])


class BadRequestError(APIStatusError, status=400):
    """400: the request was invalid or a business rule refused it."""


class AuthenticationError(APIStatusError, status=401):
    """401: the credential was missing, malformed, revoked or of the wrong kind."""


class PermissionDeniedError(APIStatusError, status=403):
    """403: the credential lacks the permission (scope, tier) the operation needs."""


class NotFoundError(APIStatusError, status=404):
    """404: no such resource."""


class ConflictError(APIStatusError, status=409):
    """409: the resource is not in a state that allows the operation."""


class UnprocessableEntityError(APIStatusError, status=422):
    """422: the request was well-formed but semantically invalid."""


class RateLimitError(APIStatusError, status=429):
    """429: too many requests.

    Attributes:
        retry_after: Seconds the server asked to wait, when it said.
    """

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before retrying, from ``Retry-After`` or the window reset."""
        if self.rate_limit is None:
            return None
        if self.rate_limit.retry_after is not None:
            return self.rate_limit.retry_after
        return self.rate_limit.seconds_until_reset()


class InternalServerError(APIStatusError, status=500):
    """5xx: the server failed."""


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
        self.errors: tuple[str, ...] = tuple(redact(e) for e in errors)
        self.status_code: int | None = status_code
        self.request_id: str | None = request_id
        self.body_excerpt: str = redact(body_excerpt[:_EXCERPT_LENGTH])


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
        self.pages: int = pages
        self.max_pages: int = max_pages


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
        status_code: int | None = None,
        request_id: str | None = None,
        body_excerpt: str = "",
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, method=method, path=path)
        self.reference: str | None = reference
        self.status_code: int | None = status_code
        self.request_id: str | None = request_id
        self.body_excerpt: str = redact(body_excerpt[:_EXCERPT_LENGTH])


_CREDENTIALS: Final = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)


def describe_target(target: str) -> str:
    """``target`` with any ``user:password@`` of a URL masked."""
    return _CREDENTIALS.sub(r"\g<scheme>***@", target)


class JournalError(SDKError):
    """The purchase journal failed; see the subclass for what happened and what was sent.

    Attributes:
        backend: ``"sqlite"``, ``"redis"``, or the class name of a custom store.
        journal: Where the journal is (a path or URL, credentials masked).
        reference: The purchase's reference, when the failure concerns one.
    """

    def __init__(
        self, message: str, *, backend: str, journal: str, reference: str | None = None
    ) -> None:
        where = describe_target(journal)
        super().__init__(f"{message} [journal={where}, backend={backend}]")
        self.backend: str = backend
        self.journal: str = where
        self.reference: str | None = reference
        self._message = message

    def _before_send(self, reference: str | None) -> None:
        """Say the failure came before the request was sent (and name its reference)."""
        if self.reference is None:
            self.reference = reference
        if reference is not None and not self._message.endswith("nothing was sent"):
            self._message = f"{self._message}; nothing was sent"
            text = f"{self._message} [journal={self.journal}, backend={self.backend}]"
            SDKError.__init__(self, text)  # the new message, redacted as every SDK message


class JournalUnavailableError(JournalError):
    """The journal's backend could not be reached, timed out, or failed an I/O.

    Raised before sending: nothing was sent. The backend's exception is ``__cause__``.
    """


class JournalMissingError(JournalError):
    """The journal does not exist: never created, or lost before this process opened it.

    Create it with ``python -m shared_auth.fleet init <target>`` (or ``create=True`` in
    development and tests). If a journal existed there before, it was lost: reconcile from
    the API's transaction list, then acknowledge the loss.
    """


class JournalLostError(JournalError):
    """The journal this process was using was deleted, replaced or flushed.

    Purchases are refused before anything is sent until an operator reconciles from the
    API's transaction list and acknowledges the loss (``await journal.acknowledge_loss()``
    or ``python -m shared_auth.fleet acknowledge-loss <target>``).
    """


class JournalVolatileError(JournalError):
    """A Redis journal on a server without persistence (no RDB ``save``, no AOF).

    A restart would empty it silently. Turn persistence on (``appendonly yes``) or pass
    ``allow_volatile=True`` if losing the journal on a restart is acceptable.
    """


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


# Tracebacks and pickles name the public module users import these from, not this file:
# ``shared_auth`` (the journal's errors: ``shared_auth.fleet``, which documents them).
for _name in __all__:
    globals()[_name].__module__ = (
        "shared_auth.fleet" if _name.startswith("Journal") else "shared_auth"
    )
