"""The request pipeline both SDKs share: send, read, map errors, retry within a deadline.

The success path does the least possible work: build the request, send it through the
route family's auth flow, parse the rate-limit headers and decode JSON. Retry machinery,
error-body parsing and deadline scopes are entered only after a failure.

Retry rules (per call, after the first attempt failed):

========================================  ===================  ===================
failure                                   idempotent request   state-changing POST
========================================  ===================  ===================
connect error / connect or pool timeout   retry                retry (never sent)
read/write error or timeout, reset        retry                OutcomeUnknownError
429                                       retry (wait capped)  retry (wait capped)
5xx                                       retry                OutcomeUnknownError
other 4xx                                 raise                raise
========================================  ===================  ===================

A 429 is waited out per ``Retry-After`` (or ``X-RateLimit-Reset``) when that wait is within
``RetryPolicy.max_rate_limit_wait``; a longer wait raises :class:`RateLimitError` at once.
Other retries back off exponentially with full jitter. ``RetryPolicy.deadline`` bounds the
whole call: no wait or retry starts that would end after it, and retries run inside a
cancel scope that ends at it. (The first attempt runs without a scope, bounded by the
per-attempt timeouts, which keeps the success path cheap.)
"""

from __future__ import annotations

import json as _json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

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
from shared_auth._ratelimit import RateLimit
from shared_auth._redact import redact
from shared_auth._throttle import Throttle

__all__ = ["ErrorDetails", "ErrorParser", "Pipeline", "Reply", "RetryPolicy"]

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
#: Failures that prove the request never left this process.
_NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Failures no retry can fix.
_PERMANENT: Final = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)
_REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id", "x-dancity-request-id")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a client retries, and how long a call may take in all.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_backoff: Upper bound of the first jittered backoff, in seconds.
        max_backoff: Upper bound of any jittered backoff, in seconds.
        max_rate_limit_wait: The longest ``Retry-After`` the client waits out; a longer one
            raises :class:`RateLimitError` at once, with ``retry_after`` set.
        deadline: Seconds a whole call may take, retries and waits included (``None``: no
            bound beyond the per-attempt timeouts and retry count).
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_backoff: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    max_rate_limit_wait: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    deadline: float | None = attrs.field(default=120.0)

    def backoff(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Full-jitter exponential backoff before retry number ``retry`` (1-based)."""
        # The exponent is capped: 2.0 ** 1024 overflows, and 2 ** 64 already passes any cap.
        ceiling: float = min(self.max_backoff, self.initial_backoff * 2.0 ** min(retry - 1, 64))
        return rand() * ceiling


@attrs.frozen(kw_only=True)
class ErrorDetails:
    """What an API's error body says, as an SDK's error parser reads it.

    Attributes:
        code: The API's machine-readable code or error label.
        message: The API's human-readable message.
        hint: What the caller can do about it (added by the SDK).
        messages: Each message, when the API sent several (e.g. one per failed rule).
    """

    code: str | None = None
    message: str | None = None
    hint: str | None = None
    messages: tuple[str, ...] = ()


#: ``(status, decoded body or None, required scope or None) -> ErrorDetails``.
ErrorParser = Callable[[int, Any, "str | None"], ErrorDetails]


@attrs.frozen(kw_only=True)
class Reply:
    """A successful response, decoded.

    Attributes:
        status_code: The HTTP status.
        headers: The response headers.
        data: The decoded JSON body (``None`` for an empty body).
    """

    status_code: int
    headers: httpx.Headers = attrs.field(repr=False)
    data: Any = attrs.field(repr=False)  # may hold a newly created key

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit headers, parsed (on each access: keep the result if you reuse it)."""
        return RateLimit.from_headers(self.headers)

    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one."""
        return _request_id(self.headers)


@attrs.define(slots=True)
class _Call:
    """Everything the failure path needs to know about one call."""

    method: str
    path: str
    auth: httpx.Auth
    request: httpx.Request
    idempotent: bool
    throttles: tuple[Throttle, ...]
    reference: str | None
    scope: str | None
    started: float
    outcome_advice: str | None = None


def _request_id(headers: httpx.Headers) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value: str | None = headers.get(name)
        if value:
            return value
    return None


def _safe_json(content: bytes, loads: Callable[[bytes], Any]) -> Any:
    if not content:
        return None
    try:
        return loads(content)
    except ValueError:
        return None


def _excerpt(content: bytes) -> str:
    return content[:200].decode("utf-8", "replace")


class Pipeline:
    """Sends requests for one client and turns responses into data or typed errors."""

    def __init__(
        self,
        *,
        base_url: str,
        get_client: Callable[[], httpx.AsyncClient],
        parse_error: ErrorParser,
        policy: RetryPolicy,
        logger: logging.Logger,
        json_loads: Callable[[bytes], Any] = _json.loads,
        on_response: Callable[[httpx.Headers], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self._get_client = get_client
        self._parse_error = parse_error
        self._logger = logger
        self._loads = json_loads
        self._on_response = on_response
        if sleep is None:
            import anyio  # noqa: PLC0415 - loaded with the first client, not the package

            sleep = anyio.sleep
        self._sleep = sleep
        self._clock = clock
        self._rand = rand

    async def send(
        self,
        method: str,
        path: str,
        *,
        auth: httpx.Auth,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        throttles: tuple[Throttle, ...] = (),
        reference: str | None = None,
        scope: str | None = None,
        outcome_advice: str | None = None,
    ) -> Reply:
        """Send one call and return its decoded reply, or raise a typed error.

        Args:
            method: HTTP method.
            path: Path below the base URL, already formatted.
            auth: The route family's credential strategy.
            params: Query parameters.
            json: A JSON-serialisable body.
            idempotent: Whether sending twice is harmless; defaults from the method.
            throttles: Client-side rate limiters to pass before each attempt.
            reference: The caller's reference for a state-changing call, carried by
                :class:`OutcomeUnknownError`.
            scope: The permission the route needs, named in a 403's message.
            outcome_advice: What the caller should do if the outcome is unknown
                (``{reference}`` is filled in); a generic look-it-up advice by default.
        """
        for throttle in throttles:
            await throttle.acquire()
        client = self._get_client()
        request = client.build_request(method, self.base_url + path, params=params, json=json)
        started = self._clock()
        failure: httpx.Response | httpx.RequestError
        try:
            response = await client.send(request, auth=auth)
        except httpx.RequestError as exc:
            failure = exc
        else:
            if response.status_code < 400:  # noqa: PLR2004
                return self._reply(method, path, response, 1)
            failure = response
        call = _Call(
            method=method,
            path=path,
            auth=auth,
            request=request,
            idempotent=method in _IDEMPOTENT_METHODS if idempotent is None else idempotent,
            throttles=throttles,
            reference=reference,
            scope=scope,
            started=started,
            outcome_advice=outcome_advice,
        )
        return await self._recover(call, failure)

    def _reply(self, method: str, path: str, response: httpx.Response, attempt: int) -> Reply:
        headers = response.headers
        if self._on_response is not None:
            self._on_response(headers)
        if self._logger.isEnabledFor(logging.DEBUG):
            self._log_attempt(method, path, response.status_code, attempt, None, headers)
        content = response.content
        try:
            data = self._loads(content) if content else None
        except ValueError as exc:
            msg = f"the {response.status_code} response is not JSON: {_excerpt(content)!r}"
            raise ResponseValidationError(msg, method=method, path=path) from exc
        return Reply(status_code=response.status_code, headers=headers, data=data)

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
    ) -> APIStatusError:
        """Build the typed error for an error status (or an error inside a 200 body)."""
        details = self._parse_error(status_code, body, scope)
        request_id = _request_id(headers)
        label = f"{status_code} {reason}".strip()
        parts = [f"{label}: {details.message or 'the API sent no message'}"]
        if details.code:
            parts.append(f" [{details.code}]")
        if details.hint:
            parts.append(f". {details.hint}")
        parts.append(f" ({method} {path}")
        parts.append(f", request id {request_id})" if request_id else ")")
        return status_error_class(status_code)(
            "".join(parts),
            status_code=status_code,
            code=details.code,
            api_message=details.message,
            messages=details.messages,
            request_id=request_id,
            rate_limit=RateLimit.from_headers(headers),
            body_excerpt=_excerpt(raw),
            method=method,
            path=path,
        )

    def _response_error(self, call: _Call, response: httpx.Response) -> APIStatusError:
        if self._on_response is not None:
            self._on_response(response.headers)
        content = response.content
        return self.status_error(
            response.status_code,
            _safe_json(content, self._loads),
            response.headers,
            method=call.method,
            path=call.path,
            scope=call.scope,
            raw=content,
            reason=response.reason_phrase,
        )

    def _outcome_unknown(self, call: _Call, what: str) -> OutcomeUnknownError:
        if call.outcome_advice is not None:
            advice = call.outcome_advice.format(reference=call.reference or "")
        else:
            ref = f" by its reference {call.reference!r}" if call.reference else ""
            advice = f"look it up{ref} before sending it again"
        msg = (
            f"{call.method} {call.path} was sent but its outcome is unknown ({what}). It may have "
            f"taken effect: {advice}."
        )
        return OutcomeUnknownError(
            msg, reference=call.reference, method=call.method, path=call.path
        )

    def _transport_error(self, call: _Call, exc: Exception) -> APIError:
        kind = type(exc).__name__
        detail = str(exc) or kind
        timed_out = isinstance(exc, httpx.TimeoutException | TimeoutError)
        if not call.idempotent and not isinstance(exc, _NEVER_SENT):
            error: APIError = self._outcome_unknown(call, f"{kind}: {detail}")
        elif timed_out:
            error = APITimeoutError(
                f"{call.method} {call.path} timed out ({kind}: {detail})",
                method=call.method,
                path=call.path,
            )
        else:
            error = APIConnectionError(
                f"{call.method} {call.path} failed to connect ({kind}: {detail})",
                method=call.method,
                path=call.path,
            )
        # The cause shows in tracebacks: mask a credential its message may carry (a URL).
        exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
        error.__cause__ = exc
        return error

    def _plan(
        self, call: _Call, failure: httpx.Response | Exception, retry: int
    ) -> tuple[APIError, float | None]:
        """The error to raise if we stop now, and the wait before retry ``retry`` (or None)."""
        policy = self.policy
        exhausted = retry > policy.max_retries
        if isinstance(failure, Exception):
            error = self._transport_error(call, failure)
            if (
                exhausted
                or isinstance(error, OutcomeUnknownError)
                or isinstance(failure, _PERMANENT)
            ):
                return error, None
            return error, policy.backoff(retry, self._rand)
        status_error = self._response_error(call, failure)
        status = failure.status_code
        if status == 429:  # noqa: PLR2004
            wait = status_error.retry_after if isinstance(status_error, RateLimitError) else None
            if wait is None:
                wait = policy.backoff(retry, self._rand)
            if exhausted or wait > policy.max_rate_limit_wait:
                return status_error, None
            return status_error, wait
        if status >= 500:  # noqa: PLR2004
            if not call.idempotent:
                error = self._outcome_unknown(call, f"the server answered {status}")
                error.__cause__ = status_error
                return error, None
            if exhausted:
                return status_error, None
            return status_error, policy.backoff(retry, self._rand)
        return status_error, None

    async def _recover(self, call: _Call, failure: httpx.Response | Exception) -> Reply:
        deadline = self.policy.deadline
        retry = 1
        while True:
            error, wait = self._plan(call, failure, retry)
            status = failure.status_code if isinstance(failure, httpx.Response) else None
            if isinstance(failure, httpx.Response):
                await failure.aclose()
            remaining = None if deadline is None else deadline - (self._clock() - call.started)
            if wait is not None and remaining is not None and wait >= remaining:
                error.add_note(f"gave up: retrying would pass the call's {deadline}s deadline")
                wait = None
            self._log_failure(call, status, failure, retry, wait)
            if wait is None:
                if retry > 1:
                    error.add_note(f"{retry} attempts were made")
                raise error
            await self._sleep(wait)
            failure = await self._attempt(call, remaining and remaining - wait)
            if isinstance(failure, httpx.Response) and failure.status_code < 400:  # noqa: PLR2004
                return self._reply(call.method, call.path, failure, retry + 1)
            retry += 1

    async def _attempt(self, call: _Call, remaining: float | None) -> httpx.Response | Exception:
        """One retry, bounded by what is left of the deadline."""
        from anyio import fail_after  # noqa: PLC0415 - only retries need it (import time)

        sending = False
        try:
            with fail_after(remaining):
                for throttle in call.throttles:
                    await throttle.acquire()
                sending = True
                return await self._get_client().send(call.request, auth=call.auth)
        except httpx.RequestError as exc:
            return exc
        except TimeoutError as exc:
            if not sending:  # the deadline passed in the throttle: nothing was sent
                return httpx.PoolTimeout("the deadline passed waiting for the client-side throttle")
            return exc

    def _log_attempt(
        self,
        method: str,
        path: str,
        outcome: int | str,
        attempt: int,
        wait: float | None,
        headers: httpx.Headers | None,
    ) -> None:
        request_id = _request_id(headers) if headers is not None else None
        self._logger.debug(
            "%s %s -> %s (attempt %d%s%s)",
            method,
            redact(path),
            outcome,
            attempt,
            f", retrying in {wait:.2f}s" if wait is not None else "",
            f", request id {request_id}" if request_id else "",
        )

    def _log_failure(
        self,
        call: _Call,
        status: int | None,
        failure: httpx.Response | Exception,
        attempt: int,
        wait: float | None,
    ) -> None:
        if not self._logger.isEnabledFor(logging.DEBUG):
            return
        headers = failure.headers if isinstance(failure, httpx.Response) else None
        outcome: int | str = status if status is not None else type(failure).__name__
        self._log_attempt(call.method, call.path, outcome, attempt, wait, headers)
