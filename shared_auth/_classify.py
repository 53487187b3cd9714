"""Failure classification: one failed attempt becomes a `Failure` and a typed error.

The pipeline's send loop (``_pipeline.py``) calls these; [`OUTCOMES`][shared_auth.OUTCOMES] then
decides what the failure means for the call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, NamedTuple

import attrs
import httpx

from shared_auth._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseValidationError,
    status_error_class,
)
from shared_auth._outcomes import ErrorParser, Failure, RetryPolicy, Unreadable
from shared_auth._ratelimit import RateLimit
from shared_auth._redact import redact
from shared_auth._tracing import unknown_outcome_message

if TYPE_CHECKING:
    from shared_auth._errortable import ErrorTable
    from shared_auth._throttle import Throttle

__all__ = ["Attempt", "Call", "Classifier", "describe_timeouts", "request_id"]

#: Failures that prove the request never left this process.
NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Failures no retry can fix.
PERMANENT: Final = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)
#: The usual names of a request-id header; an API's own ``x-<name>-request-id`` comes next.
_REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id")
_EXCERPT: Final = 200
#: Statuses that refuse the request's input (where a route's refusal advice applies).
_INPUT_REFUSED: Final = frozenset({400, 404, 422})


class Call(NamedTuple):
    """Everything the failure path needs to know about one call (a tuple: cheap to build)."""

    method: str
    path: str
    auth: httpx.Auth
    request: httpx.Request
    money_moving: bool
    throttles: tuple[Throttle, ...]
    reference: str | None
    scope: str | None
    started: float
    deadline_at: float | None
    outcome_advice: str | None
    refusal_advice: str | None
    #: The longest per-attempt timeout in force (infinite when one phase is unbounded).
    longest: float = float("inf")


@attrs.define(slots=True)
class Attempt:
    """One failed attempt, classified."""

    failure: Failure
    error: APIError
    response: httpx.Response | None = None
    retry_after: float | None = None


def request_id(headers: httpx.Headers) -> str | None:
    """The server's request id, when it sent one."""
    for name in _REQUEST_ID_HEADERS:
        value: str | None = headers.get(name)
        if value:
            return value
    for name, value in headers.items():
        if value and name.lower().endswith("-request-id"):
            return value
    return None


def excerpt(content: bytes) -> str:
    """The start of a body, as text."""
    return content[:_EXCERPT].decode("utf-8", "replace")


def describe_timeouts(request: httpx.Request) -> str:
    """The timeouts a request carries, for an error message."""
    timeouts: dict[str, float | None] = request.extensions.get("timeout") or {}
    if not timeouts:
        return "none"
    return ", ".join(
        f"{phase} {'none' if value is None else f'{value:g}s'}" for phase, value in timeouts.items()
    )


class Classifier:
    """Builds the typed error of each kind of failure (the pipeline's failure path)."""

    policy: RetryPolicy
    _parse_error: ErrorParser
    #: The client's own error classes: the pipeline raises them directly.
    errors: ErrorTable

    def _status_attempt(
        self,
        call: Call,
        status: int,
        body: Any,
        headers: httpx.Headers,
        content: bytes,
        reason: str,
    ) -> Attempt:
        error = self.status_error(
            status,
            body,
            headers,
            method=call.method,
            path=call.path,
            scope=call.scope,
            raw=content,
            reason=reason,
            refusal_advice=call.refusal_advice,
        )
        if status == 429:  # noqa: PLR2004
            retry_after = error.retry_after if isinstance(error, RateLimitError) else None
            return Attempt(Failure.RATE_LIMITED, error, retry_after=retry_after)
        if status >= 500:  # noqa: PLR2004
            return Attempt(Failure.SERVER_ERROR, error)
        return Attempt(Failure.CLIENT_ERROR, error)

    def status_error(
        self,
        status_code: int,
        body: Any,
        headers: httpx.Headers,
        *,
        method: str,
        path: str,
        scope: str | None = None,
        raw: bytes = b"",
        reason: str = "",
        refusal_advice: str | None = None,
    ) -> APIStatusError:
        """Build the typed error for an error status (or an error inside a 2xx body)."""
        details = self._parse_error(status_code, body, scope)
        if details.hint is None and refusal_advice and status_code in _INPUT_REFUSED:
            details = attrs.evolve(details, hint=refusal_advice)
        rid = request_id(headers)
        label = f"{status_code} {reason}".strip()
        parts = [f"{label}: {details.message or 'the API sent no message'}"]
        if details.code:
            parts.append(f" [{details.code}]")
        if details.hint:
            parts.append(f". {details.hint}")
        parts.append(f" ({method} {path}")
        parts.append(f", request id {rid})" if rid else ")")
        return self.errors(status_error_class(status_code))(
            "".join(parts),
            status_code=status_code,
            code=details.code,
            api_message=details.message,
            messages=details.messages,
            request_id=rid,
            rate_limit=RateLimit.from_headers(headers),
            body_excerpt=excerpt(raw),
            method=method,
            path=path,
        )

    def _unreadable(
        self,
        call: Call,
        status: int,
        headers: httpx.Headers,
        content: bytes,
        problem: Unreadable,
        cause: BaseException | None,
        *,
        garbled: bool,
    ) -> Attempt:
        """A 2xx body the call cannot use: unreadable (retryable) or of the wrong shape.

        ``garbled``: the body is not JSON, is cut short or is empty (it may read fine next
        time); otherwise it is JSON that does not fit the model (it would fail again).
        """
        rid = request_id(headers)
        msg = f"the {status} response to {call.method} {call.path} {problem.what}"
        if not problem.errors:
            msg += f" (body starts {excerpt(content)[:80]!r})"
        if rid:
            msg += f" (request id {rid})"
        error = self.errors(ResponseValidationError)(
            msg,
            errors=problem.errors,
            method=call.method,
            path=call.path,
            status_code=status,
            request_id=rid,
            body_excerpt=excerpt(content),
        )
        if cause is not None:
            error.__cause__ = cause
        return Attempt(Failure.UNREADABLE if garbled else Failure.INVALID, error)

    def _transport_failure(self, call: Call, exc: Exception) -> Attempt:
        kind = type(exc).__name__
        detail = str(exc) or kind
        host = call.request.url.host
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            error: APIError = self.errors(APITimeoutError)(
                f"{call.method} {call.path} to {host} timed out ({kind}: {detail}); the "
                f"timeouts in force were {describe_timeouts(call.request)} — raise them with "
                "timeout=",
                method=call.method,
                path=call.path,
            )
        else:
            what = "failed to connect" if isinstance(exc, (*NEVER_SENT, *PERMANENT)) else "failed"
            error = self.errors(APIConnectionError)(
                f"{call.method} {call.path} to {host} {what} ({kind}: {detail}); the timeouts "
                f"in force were {describe_timeouts(call.request)} — check base_url and the "
                "network, or change them with timeout=",
                method=call.method,
                path=call.path,
            )
        # The cause shows in tracebacks: mask a credential its message may carry (a URL).
        exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
        error.__cause__ = exc
        if isinstance(exc, NEVER_SENT):
            return Attempt(Failure.NOT_SENT, error)
        if isinstance(exc, PERMANENT):
            return Attempt(Failure.REFUSED_LOCAL, error)
        return Attempt(Failure.LOST, error)

    def _refused_in_time(self, call: Call, waiting_for: str) -> Attempt:
        """The deadline passed before the request was sent: a typed error, never a send."""
        error = self.errors(APITimeoutError)(
            f"{call.method} {call.path}: the call's {self.policy.deadline}s deadline passed "
            f"waiting for {waiting_for}; nothing was sent",
            method=call.method,
            path=call.path,
        )
        # Nothing was sent, but a retry would wait in the same queue past the deadline.
        return Attempt(Failure.REFUSED_LOCAL, error)

    def _outcome_unknown(self, call: Call, failure: Attempt) -> OutcomeUnknownError:
        msg = unknown_outcome_message(call, f"{failure.failure.value}: {failure.error.message}")
        read = failure.error
        error = self.errors(OutcomeUnknownError)(
            msg,
            reference=call.reference,
            method=call.method,
            path=call.path,
            status_code=getattr(read, "status_code", None),
            request_id=getattr(read, "request_id", None),
            body_excerpt=getattr(read, "body_excerpt", ""),
        )
        # A lost answer chains to the transport's own exception, as the caller saw it.
        error.__cause__ = read.__cause__ if failure.failure is Failure.LOST else read
        return error
