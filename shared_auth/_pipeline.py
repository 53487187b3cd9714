"""The request pipeline both SDKs share: admit, send, decode, decide every outcome, retry.

A client hands `Pipeline.send` the request, the route's idempotency and a decoder
(``One(Model)``, ``Many(Model)``); the pipeline returns what the decoder builds or raises
one of the SDK's typed errors. Nothing else in either SDK decodes a body or reads an
error: the APIs differ only in their error-body parser and their envelope rule (an API
may say ``{"success": false}`` inside an HTTP 200).

Every failure is classified (``_classify.py``) and the outcome table (``_outcomes.py``,
`OUTCOMES`) says what it means for an idempotent and for a money-moving request.

The deadline (``RetryPolicy.deadline``) bounds everything a call waits for: the
client-side throttle, the admission gate in front of the connection pool (``_gate.py``),
the JWT provider (through the request's ``sdk.deadline`` extension, read by the auth
flow), every attempt and every backoff. On httpx's socket transport an attempt is bounded
by its per-phase timeouts, clamped to what is left of the deadline; on any other transport
(ASGI, an async ``MockTransport``, aiohttp, a user's own) by a cancel scope as well, whose
limit is the longest per-attempt timeout or the deadline, whichever comes first. The
success path over the socket transport stays cheap: no cancel scope, and the gate's
uncontended path is a counter.
"""

from __future__ import annotations

import json as _json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import httpx

from shared_auth._classify import Attempt as _Attempt
from shared_auth._classify import Call as _Call
from shared_auth._classify import Classifier
from shared_auth._classify import request_id as _request_id
from shared_auth._errors import APIError, SDKError
from shared_auth._errortable import NO_TABLE, ErrorTable
from shared_auth._gate import Gate, send_within
from shared_auth._outcomes import (
    DEADLINE_EXTENSION,
    OUTCOMES,
    Action,
    Envelope,
    ErrorParser,
    RetryPolicy,
    Unreadable,
)
from shared_auth._redact import redact
from shared_auth._reply import Reply
from shared_auth._tracing import attempt_sent

if TYPE_CHECKING:
    import anyio
    import cattrs

    from shared_auth._decode import Decoder
    from shared_auth._throttle import Throttle

__all__ = ["DEADLINE_EXTENSION", "Pipeline", "RequestOptions"]

_T = TypeVar("_T")

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
#: The request extension carrying the call's deadline (``time.monotonic()`` seconds), read
#: by auth flows that wait on something of their own (a JWT provider).
#: How far past the deadline an attempt's cancel scope fires: the auth flow's own bound
#: (at the deadline) goes first, so a JWT provider still waited for is reported as "not
#: sent", never as a request of unknown outcome.
_SCOPE_GRACE: Final = 0.05
_INF: Final = float("inf")


@attrs.frozen
class RequestOptions:
    """What each request of a client carries itself, rather than from its httpx client.

    Build it with `of`: the timeouts are kept in the form httpx reads them from a
    request, so applying them costs one dict store per request.
    """

    headers: tuple[tuple[str, str], ...] = ()
    timeouts: Mapping[str, float | None] | None = None
    longest: float = float("inf")

    @classmethod
    def of(
        cls, headers: Mapping[str, str] | None, timeout: httpx.Timeout | None
    ) -> RequestOptions | None:
        """The options for ``headers`` and ``timeout`` (``None`` when there are none)."""
        if not headers and timeout is None:
            return None
        return cls(
            headers=tuple((headers or {}).items()),
            timeouts=None if timeout is None else timeout.as_dict(),
            longest=float("inf") if timeout is None else _longest(timeout),
        )


def _timeouts_within(request: httpx.Request, remaining: float) -> None:
    """Clamp each of the request's timeouts to ``remaining`` seconds (cheap: a dict)."""
    current: dict[str, float | None] = request.extensions.get("timeout", {})
    request.extensions["timeout"] = {
        phase: remaining if value is None or value > remaining else value
        for phase, value in (current or dict.fromkeys(("connect", "read", "write", "pool"))).items()
    }


class Pipeline(Classifier):
    """Sends requests for one client and turns responses into results or typed errors."""

    def __init__(
        self,
        *,
        base_url: str,
        get_client: Callable[[], httpx.AsyncClient],
        parse_error: ErrorParser,
        policy: RetryPolicy,
        logger: logging.Logger,
        converter: Callable[[], cattrs.Converter],
        timeout: httpx.Timeout | None = None,
        envelope: Envelope | None = None,
        json_loads: Callable[[bytes], Any] = _json.loads,
        on_response: Callable[[httpx.Headers], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        max_concurrency: int | None = None,
        errors: ErrorTable = NO_TABLE,
    ) -> None:
        import anyio  # noqa: PLC0415 - loaded with the first client, not the package

        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self._get_client = get_client
        self._parse_error = parse_error
        self.errors = errors
        self._envelope = envelope
        self._converter = converter
        # The client's own timeouts: a deadline shorter than their longest clamps them.
        self._longest = _INF if timeout is None else _longest(timeout)
        self._logger = logger
        self._loads = json_loads
        self._on_response = on_response
        self._sleep = anyio.sleep if sleep is None else sleep
        self._would_block = anyio.WouldBlock
        self._clock = clock
        self._rand = rand
        #: Shared with every copy (``with_policy``): one pool, one gate.
        self.gate = Gate(max_concurrency)

    def with_policy(self, policy: RetryPolicy) -> Pipeline:
        """A pipeline like this one (same connections, gate and rules) under another policy."""
        clone = object.__new__(Pipeline)
        clone.__dict__.update(self.__dict__)
        clone.policy = policy
        return clone

    async def send(
        self,
        method: str,
        path: str,
        *,
        into: Decoder[_T],
        auth: httpx.Auth,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
        idempotent: bool | None = None,
        throttles: tuple[Throttle, ...] = (),
        reference: str | None = None,
        scope: str | None = None,
        outcome_advice: str | None = None,
        refusal_advice: str | None = None,
    ) -> _T:
        """Send one call; return what ``into`` builds from the answer, or raise a typed error.

        Args:
            method: HTTP method.
            path: Path below the base URL, already formatted.
            into: What to make of a success body.
            auth: The route family's credential strategy.
            params: Query parameters.
            json: A JSON-serialisable body.
            options: Headers and timeouts each request carries itself (a caller's httpx
                client, or a ``with_options`` copy); ``None``: the httpx client's own.
            idempotent: Whether sending twice is harmless; defaults from the method.
            throttles: Client-side rate limiters to pass before each attempt.
            reference: The caller's reference for a money-moving call, carried by
                `OutcomeUnknownError` and logged if the call is cancelled.
            scope: The permission the route needs, named in a 403's message.
            outcome_advice: What the caller should do if the outcome is unknown
                (``{reference}`` is filled in); a generic look-it-up advice by default.
            refusal_advice: What to check when the API refuses the input (400, 404, 422),
                when the error parser gives no hint of its own.
        """
        started = self._clock()
        deadline = self.policy.deadline
        deadline_at = None if deadline is None else started + deadline
        money_moving = not (method in _IDEMPOTENT_METHODS if idempotent is None else idempotent)
        client = self._get_client()
        request = client.build_request(method, self.base_url + path, params=params, json=json)
        longest = self._longest if options is None else self._apply(options, request)
        call = _Call(
            method,
            path,
            auth,
            request,
            money_moving,
            throttles,
            reference,
            scope,
            started,
            deadline_at,
            outcome_advice,
            refusal_advice,
            longest,
        )
        if deadline is not None:
            # On the real monotonic clock: auth flows compare it with time.monotonic().
            request.extensions[DEADLINE_EXTENSION] = time.monotonic() + deadline
            if deadline < longest:
                _timeouts_within(request, deadline)
        gate = self.gate
        semaphore = gate.semaphore or gate.open(client)
        refused = None
        if throttles:
            refused = await self._admit(call, semaphore, throttles)
        else:
            try:  # the uncontended gate: a counter, no checkpoint
                semaphore.acquire_nowait()
            except self._would_block:
                refused = await self._admit(call, semaphore, ())
        if refused is not None:
            return await self._recover(call, refused, into)
        # The slot is held for this attempt only (send and body read): released before
        # decoding, and before any backoff.
        attempt_sent(call)
        try:
            response = await (
                self._send(call, client, per_attempt=True)
                if gate.bounded
                else client.send(request, auth=auth)
            )
        except httpx.RequestError as exc:
            semaphore.release()
            return await self._recover(call, self._transport_failure(call, exc), into)
        except BaseException as exc:
            semaphore.release()
            # An SDK error was raised on the way out (a credential that could not be had):
            # not sent. Anything else (a cancellation) may have cut a sent request.
            if money_moving and not isinstance(exc, SDKError):
                self._log_cancelled(call)
            raise
        semaphore.release()
        return await self._finish(call, response, 1, into)

    def _apply(self, options: RequestOptions, request: httpx.Request) -> float:
        """Put ``options`` on ``request``; return the longest timeout now in force."""
        # Set on the built request, not merged by httpx: a dict store and a header each.
        for name, value in options.headers:
            request.headers[name] = value
        if options.timeouts is None:
            return self._longest
        request.extensions["timeout"] = options.timeouts
        return options.longest

    async def _finish(
        self, call: _Call, response: httpx.Response, attempt: int, into: Decoder[_T]
    ) -> _T:
        """Decode an answer, or recover from it: the one place every response is judged."""
        headers = response.headers
        if self._on_response is not None:
            self._on_response(headers)
        status = response.status_code
        if status >= 400:  # noqa: PLR2004
            return await self._recover(call, self._status_failure(call, response), into, attempt)
        if self._logger.isEnabledFor(logging.DEBUG):
            self._log_attempt(call.method, call.path, status, attempt, None, headers)
        converter = self._converter()
        reply = Reply(status, headers, call.method, call.path, converter)
        content = response.content
        try:
            data = self._loads(content) if content else None
        except (ValueError, RecursionError) as exc:
            # Not JSON, or cut off: may read fine next time. Too deep to parse: would recur.
            garbled = isinstance(exc, ValueError)
            what = "is not JSON (or was cut off)" if garbled else "is nested too deeply to read"
            failure = self._unreadable(
                call, status, headers, content, Unreadable(what), exc, garbled=garbled
            )
            return await self._recover(call, failure, into, attempt)
        envelope = self._envelope
        if envelope is not None:
            refused = envelope(data)
            if refused is not None:
                failure = self._status_attempt(call, refused, data, headers, content, "")
                return await self._recover(call, failure, into, attempt)
        try:
            return into.decode(data, reply, converter)
        except Unreadable as exc:
            # An empty body was cut off (retryable); JSON of the wrong shape would recur.
            failure = self._unreadable(
                call, status, headers, content, exc, exc.__cause__, garbled=not content
            )
            return await self._recover(call, failure, into, attempt)

    def _status_failure(self, call: _Call, response: httpx.Response) -> _Attempt:
        content = response.content
        try:
            body = self._loads(content) if content else None
        except (ValueError, RecursionError):
            body = None
        failure = self._status_attempt(
            call, response.status_code, body, response.headers, content, response.reason_phrase
        )
        failure.response = response
        return failure

    # --- deciding --------------------------------------------------------------------------

    def _decide(self, call: _Call, failure: _Attempt, retry: int) -> tuple[APIError, float | None]:
        """The error to raise if the call stops now, and the wait before retry ``retry``."""
        policy = self.policy
        action = OUTCOMES[failure.failure][call.money_moving]
        if action is Action.UNKNOWN:
            return self._outcome_unknown(call, failure), None
        if action is Action.RAISE or retry > policy.max_retries:
            return failure.error, None
        if action is Action.WAIT:
            wait = failure.retry_after
            if wait is None:
                wait = policy.backoff(retry, self._rand)
            if wait > policy.max_rate_limit_wait:
                return failure.error, None
            return failure.error, wait
        return failure.error, policy.backoff(retry, self._rand)

    async def _recover(
        self, call: _Call, failure: _Attempt, into: Decoder[_T], attempt: int = 1
    ) -> _T:
        while True:
            error, wait = self._decide(call, failure, attempt)
            status = None if failure.response is None else failure.response.status_code
            if failure.response is not None:
                await failure.response.aclose()
            remaining = None if call.deadline_at is None else call.deadline_at - self._clock()
            if wait is not None and remaining is not None and wait >= remaining:
                error.add_note(
                    f"gave up: retrying would pass the call's {self.policy.deadline}s deadline"
                )
                wait = None
            self._log_failure(call, status, failure, attempt, wait)
            if wait is None:
                if attempt > 1:
                    error.add_note(f"{attempt} attempts were made")
                raise error
            await self._sleep(wait)
            attempt += 1
            outcome = await self._attempt(call, None if remaining is None else remaining - wait)
            if isinstance(outcome, httpx.Response):
                if outcome.status_code < 400:  # noqa: PLR2004
                    return await self._finish(call, outcome, attempt, into)
                if self._on_response is not None:
                    self._on_response(outcome.headers)
                failure = self._status_failure(call, outcome)
            else:
                failure = outcome

    # --- sending ---------------------------------------------------------------------------

    async def _admit(
        self, call: _Call, semaphore: anyio.Semaphore, throttles: tuple[Throttle, ...]
    ) -> _Attempt | None:
        """Pass ``throttles``, then the gate, within the deadline (``None``: admitted).

        Cancelled or out of time while waiting, the call holds no slot: the semaphore
        gives back a slot it was handed as the wait was cancelled.
        """
        from anyio import move_on_after  # noqa: PLC0415 - loaded already

        left = _INF if call.deadline_at is None else call.deadline_at - self._clock()
        waiting = "the client-side rate limit"
        with move_on_after(left):
            for throttle in throttles:
                await throttle.acquire()
            waiting = (
                f"a free connection (at most {self.gate.size} requests in flight: max_concurrency=)"
            )
            try:
                semaphore.acquire_nowait()
            except self._would_block:
                await semaphore.acquire()
            return None
        return self._refused_in_time(call, waiting)

    async def _send(
        self, call: _Call, client: httpx.AsyncClient, *, per_attempt: bool
    ) -> httpx.Response:
        """Send within a cancel scope: the deadline, and ``per_attempt`` the timeout too.

        A transport that ignores httpx's timeouts is bounded by the longest per-attempt
        timeout as a whole; the deadline's scope fires a little after the deadline, so the
        auth flow's own bound (a JWT provider) reports first that nothing was sent.
        """
        limit, why = (call.longest, "the per-attempt timeout") if per_attempt else (_INF, "")
        if call.deadline_at is not None:
            left = call.deadline_at - self._clock() + _SCOPE_GRACE
            if left < limit:
                limit, why = max(left, 0.001), f"the call's {self.policy.deadline:g}s deadline"
        if limit == _INF:
            return await client.send(call.request, auth=call.auth)
        return await send_within(client, call.request, call.auth, limit, why)

    async def _attempt(self, call: _Call, remaining: float | None) -> httpx.Response | _Attempt:
        """One retry, bounded by what is left of the deadline."""
        if remaining is not None:
            _timeouts_within(call.request, max(remaining, 0.001))
        client = self._get_client()
        gate = self.gate
        semaphore = gate.semaphore or gate.open(client)
        refused = await self._admit(call, semaphore, call.throttles)
        if refused is not None:
            return refused
        attempt_sent(call)
        try:
            return await self._send(call, client, per_attempt=gate.bounded)
        except httpx.RequestError as exc:
            return self._transport_failure(call, exc)
        except SDKError:
            raise
        except BaseException:
            if call.money_moving:
                self._log_cancelled(call)
            raise
        finally:
            semaphore.release()

    # --- logging ---------------------------------------------------------------------------

    def _log_cancelled(self, call: _Call) -> None:
        self._logger.warning(
            "%s %s was cancelled after it was sent; its outcome is unknown: reconcile by "
            "reference %r before sending it again",
            call.method,
            redact(call.path),
            call.reference,
        )

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
        failure: _Attempt,
        attempt: int,
        wait: float | None,
    ) -> None:
        if not self._logger.isEnabledFor(logging.DEBUG):
            return
        response = failure.response
        headers = response.headers if response is not None else None
        cause = failure.error.__cause__
        outcome: int | str = status if status is not None else type(cause or failure.error).__name__
        self._log_attempt(call.method, call.path, outcome, attempt, wait, headers)


def _longest(timeout: httpx.Timeout) -> float:
    """The longest of a timeout's phases (infinite when one is unbounded)."""
    values = timeout.as_dict().values()
    if any(v is None for v in values):
        return float("inf")
    return max(v for v in values if v is not None)
