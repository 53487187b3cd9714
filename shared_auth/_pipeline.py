"""The request pipeline both SDKs share: send, decode, decide every outcome, retry.

A client hands :meth:`Pipeline.send` the request, the route's idempotency and a decoder
(``One(Model)``, ``Many(Model)``); the pipeline returns what the decoder builds or raises
one of the SDK's typed errors. Nothing else in either SDK decodes a body or reads an
error: the APIs differ only in their error-body parser and their envelope rule (Dancity
can say ``{"success": false}`` inside an HTTP 200).

Every failure is first classified (:class:`Failure`), then :data:`OUTCOMES` — one table,
data rather than an if-chain — says what it means for an idempotent request and for a
money-moving one:

=================  ==========================================  ==========  ============
failure            what happened                               idempotent  money-moving
=================  ==========================================  ==========  ============
``NOT_SENT``       connect error/timeout, pool timeout         retry       retry
``LOST``           sent, then read/write error, timeout, reset  retry       unknown
``REFUSED_LOCAL``  the request cannot be sent as built          raise       raise
``RATE_LIMITED``   429 (status or envelope)                    wait        wait
``SERVER_ERROR``   5xx (status or envelope)                    retry       unknown
``CLIENT_ERROR``   other 4xx (status or envelope)              raise       raise
``UNREADABLE``     2xx whose body cannot be decoded or read    raise       unknown
=================  ==========================================  ==========  ============

"unknown" raises :class:`OutcomeUnknownError`: the request may have taken effect (a 2xx
to a money-moving request means the money moved, even when the receipt is garbage), so
it is never sent again; the caller reconciles by its reference. "wait" honours
``Retry-After``/``X-RateLimit-Reset`` up to ``RetryPolicy.max_rate_limit_wait``; "retry"
backs off exponentially with full jitter. A retry that would run past the call's deadline
is not started.

The deadline (``RetryPolicy.deadline``) bounds everything a call waits for: the
client-side throttle, the JWT provider (through the request's ``sdk.deadline`` extension,
read by the auth flow), every attempt (each attempt's timeouts are clamped to what is left)
and every backoff. The success path stays cheap: no cancel scope unless a throttle or a
retry needs one.
"""

from __future__ import annotations

import enum
import json as _json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

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
    SDKError,
    status_error_class,
)
from shared_auth._ratelimit import RateLimit
from shared_auth._redact import redact
from shared_auth._tracing import attempt_sent

if TYPE_CHECKING:
    import cattrs

    from shared_auth._decode import Decoder
    from shared_auth._throttle import Throttle

__all__ = [
    "DEADLINE_EXTENSION",
    "OUTCOMES",
    "Action",
    "Envelope",
    "ErrorDetails",
    "ErrorParser",
    "Failure",
    "Pipeline",
    "Reply",
    "RequestOptions",
    "RetryPolicy",
    "Unreadable",
]

_T = TypeVar("_T")

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
#: Failures that prove the request never left this process.
_NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Failures no retry can fix.
_PERMANENT: Final = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)
_REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id", "x-dancity-request-id")
_EXCERPT: Final = 200
#: Statuses that refuse the request's input (where a route's refusal advice applies).
_INPUT_REFUSED: Final = frozenset({400, 404, 422})
#: The request extension carrying the call's deadline (``time.monotonic()`` seconds), read
#: by auth flows that wait on something of their own (a JWT provider).
DEADLINE_EXTENSION: Final = "sdk.deadline"


class Failure(enum.Enum):
    """What went wrong with one attempt (see the module's table)."""

    NOT_SENT = "never sent"
    LOST = "sent, no answer"
    REFUSED_LOCAL = "cannot be sent"
    RATE_LIMITED = "rate limited"
    SERVER_ERROR = "server error"
    CLIENT_ERROR = "client error"
    UNREADABLE = "unreadable success"


class Action(enum.Enum):
    """What the pipeline does about a failure."""

    RETRY = "retry"
    WAIT = "wait"
    RAISE = "raise"
    UNKNOWN = "unknown"


#: ``failure -> (action for an idempotent request, action for a money-moving one)``.
OUTCOMES: Final[Mapping[Failure, tuple[Action, Action]]] = {
    Failure.NOT_SENT: (Action.RETRY, Action.RETRY),
    Failure.LOST: (Action.RETRY, Action.UNKNOWN),
    Failure.REFUSED_LOCAL: (Action.RAISE, Action.RAISE),
    Failure.RATE_LIMITED: (Action.WAIT, Action.WAIT),
    Failure.SERVER_ERROR: (Action.RETRY, Action.UNKNOWN),
    Failure.CLIENT_ERROR: (Action.RAISE, Action.RAISE),
    Failure.UNREADABLE: (Action.RAISE, Action.UNKNOWN),
}


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a client retries, and how long a call may take in all.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_backoff: Upper bound of the first jittered backoff, in seconds.
        max_backoff: Upper bound of any jittered backoff, in seconds.
        max_rate_limit_wait: The longest ``Retry-After`` the client waits out; a longer one
            raises :class:`RateLimitError` at once, with ``retry_after`` set.
        deadline: Seconds a whole call may take, throttle, credential refresh, retries and
            waits included (``None``: no bound beyond the per-attempt timeouts).
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_backoff: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    max_rate_limit_wait: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    deadline: float | None = attrs.field(default=120.0)

    @deadline.validator
    def _check_deadline(self, _: object, value: float | None) -> None:
        if value is not None and not value > 0:  # also refuses NaN
            msg = f"deadline must be a positive number of seconds or None; got {value!r}"
            raise ValueError(msg)

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
#: ``decoded 2xx body -> error status, or None``: an API's rule for a success status whose
#: body reports a failure (Dancity's ``{"success": false, "statusCode": …}``).
Envelope = Callable[[Any], "int | None"]


@attrs.define(slots=True, eq=False)
class Reply:
    """The metadata of one response: what results keep of it (never the body).

    Attributes:
        status_code: The HTTP status.
        headers: The response headers.
        method: The request's method.
        path: The request's path below the base URL (credentials masked when shown).
    """

    status_code: int
    headers: httpx.Headers = attrs.field(repr=False)
    method: str = ""
    path: str = attrs.field(default="", repr=lambda p: repr(redact(p)))
    #: The converter of the client that read the response (for ``to_dict``).
    converter: cattrs.Converter | None = attrs.field(default=None, repr=False)
    _rate_limit: RateLimit | None = attrs.field(default=None, init=False, repr=False)
    _parsed: bool = attrs.field(default=False, init=False, repr=False)

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit headers, parsed on first access (off the success path)."""
        if not self._parsed:
            self._rate_limit = RateLimit.from_headers(self.headers)
            self._parsed = True
        return self._rate_limit

    @property
    def request_id(self) -> str | None:
        """The server's request id, when it sent one."""
        return _request_id(self.headers)


@attrs.frozen
class RequestOptions:
    """What each request of a client carries itself, rather than from its httpx client.

    Build it with :meth:`of`: the timeouts are kept in the form httpx reads them from a
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


class Unreadable(Exception):  # noqa: N818 - a signal inside the pipeline, never raised to users
    """A decoder could not read a success body; the pipeline decides what that means."""

    def __init__(self, what: str, *, errors: Sequence[str] = ()) -> None:
        super().__init__(what)
        self.what = what
        self.errors = tuple(errors)


class _Call(NamedTuple):
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


@attrs.define(slots=True)
class _Attempt:
    """One failed attempt, classified."""

    failure: Failure
    error: APIError
    response: httpx.Response | None = None
    retry_after: float | None = None


def _request_id(headers: httpx.Headers) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value: str | None = headers.get(name)
        if value:
            return value
    return None


def _excerpt(content: bytes) -> str:
    return content[:_EXCERPT].decode("utf-8", "replace")


def _timeouts_within(request: httpx.Request, remaining: float) -> None:
    """Clamp each of the request's timeouts to ``remaining`` seconds (cheap: a dict)."""
    current: dict[str, float | None] = request.extensions.get("timeout", {})
    request.extensions["timeout"] = {
        phase: remaining if value is None or value > remaining else value
        for phase, value in (current or dict.fromkeys(("connect", "read", "write", "pool"))).items()
    }


class Pipeline:
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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self._get_client = get_client
        self._parse_error = parse_error
        self._envelope = envelope
        self._converter = converter
        # The client's own timeouts: a deadline shorter than their longest clamps them.
        self._longest = float("inf") if timeout is None else _longest(timeout)
        self._logger = logger
        self._loads = json_loads
        self._on_response = on_response
        if sleep is None:
            import anyio  # noqa: PLC0415 - loaded with the first client, not the package

            sleep = anyio.sleep
        self._sleep = sleep
        self._clock = clock
        self._rand = rand

    def with_policy(self, policy: RetryPolicy) -> Pipeline:
        """A pipeline like this one (same connections and rules) under another policy."""
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
                :class:`OutcomeUnknownError` and logged if the call is cancelled.
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
        )
        if deadline is not None:
            # On the real monotonic clock: auth flows compare it with time.monotonic().
            request.extensions[DEADLINE_EXTENSION] = time.monotonic() + deadline
            if deadline < longest:
                _timeouts_within(request, deadline)
        if throttles and not await self._pass_throttles(call):
            return await self._recover(call, self._throttle_timeout(call), into)
        attempt_sent(call)
        try:
            response = await client.send(request, auth=auth)
        except httpx.RequestError as exc:
            return await self._recover(call, self._transport_failure(call, exc), into)
        except SDKError:
            raise  # refused on the way out (a credential that could not be had): not sent
        except BaseException:
            if money_moving:
                self._log_cancelled(call)
            raise
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
            failure = self._unreadable(call, reply, content, Unreadable("is not JSON"), exc)
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
            failure = self._unreadable(call, reply, content, exc, exc.__cause__)
            return await self._recover(call, failure, into, attempt)

    # --- classification --------------------------------------------------------------------

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

    def _status_attempt(
        self,
        call: _Call,
        status: int,
        body: Any,
        headers: httpx.Headers,
        content: bytes,
        reason: str,
    ) -> _Attempt:
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
            return _Attempt(Failure.RATE_LIMITED, error, retry_after=retry_after)
        if status >= 500:  # noqa: PLR2004
            return _Attempt(Failure.SERVER_ERROR, error)
        return _Attempt(Failure.CLIENT_ERROR, error)

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

    def _unreadable(
        self,
        call: _Call,
        reply: Reply,
        content: bytes,
        problem: Unreadable,
        cause: BaseException | None,
    ) -> _Attempt:
        msg = f"the {reply.status_code} response to {call.method} {call.path} {problem.what}"
        if not problem.errors:
            msg += f" (body starts {_excerpt(content)[:80]!r})"
        if reply.request_id:
            msg += f" (request id {reply.request_id})"
        error = ResponseValidationError(
            msg,
            errors=problem.errors,
            method=call.method,
            path=call.path,
            status_code=reply.status_code,
            request_id=reply.request_id,
            body_excerpt=_excerpt(content),
        )
        if cause is not None:
            error.__cause__ = cause
        return _Attempt(Failure.UNREADABLE, error)

    def _transport_failure(self, call: _Call, exc: Exception) -> _Attempt:
        kind = type(exc).__name__
        detail = str(exc) or kind
        host = call.request.url.host
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            error: APIError = APITimeoutError(
                f"{call.method} {call.path} to {host} timed out ({kind}: {detail}); the "
                f"timeouts in force were {_describe_timeouts(call.request)} — raise them with "
                "timeout=",
                method=call.method,
                path=call.path,
            )
        else:
            what = "failed to connect" if isinstance(exc, (*_NEVER_SENT, *_PERMANENT)) else "failed"
            error = APIConnectionError(
                f"{call.method} {call.path} to {host} {what} ({kind}: {detail}); the timeouts "
                f"in force were {_describe_timeouts(call.request)} — check base_url and the "
                "network, or change them with timeout=",
                method=call.method,
                path=call.path,
            )
        # The cause shows in tracebacks: mask a credential its message may carry (a URL).
        exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
        error.__cause__ = exc
        if isinstance(exc, _NEVER_SENT):
            return _Attempt(Failure.NOT_SENT, error)
        if isinstance(exc, _PERMANENT):
            return _Attempt(Failure.REFUSED_LOCAL, error)
        return _Attempt(Failure.LOST, error)

    def _throttle_timeout(self, call: _Call) -> _Attempt:
        error = APITimeoutError(
            f"{call.method} {call.path}: the call's {self.policy.deadline}s deadline passed "
            "waiting for the client-side rate limit; nothing was sent",
            method=call.method,
            path=call.path,
        )
        # Nothing was sent, but a retry would wait in the same throttle past the deadline.
        return _Attempt(Failure.REFUSED_LOCAL, error)

    def _outcome_unknown(self, call: _Call, failure: _Attempt) -> OutcomeUnknownError:
        if call.outcome_advice is not None:
            advice = call.outcome_advice.format(reference=call.reference or "")
        else:
            ref = f" by its reference {call.reference!r}" if call.reference else ""
            advice = f"look it up{ref} before sending it again"
        msg = (
            f"{call.method} {call.path} was sent but its outcome is unknown "
            f"({failure.failure.value}: {failure.error.message}). It may have taken effect: "
            f"{advice}."
        )
        read = failure.error
        error = OutcomeUnknownError(
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

    async def _pass_throttles(self, call: _Call) -> bool:
        """Take a slot in each throttle within the deadline; False if the deadline passed."""
        if call.deadline_at is None:
            for throttle in call.throttles:
                await throttle.acquire()
            return True
        from anyio import move_on_after  # noqa: PLC0415 - only throttled calls need it

        with move_on_after(call.deadline_at - self._clock()) as scope:
            for throttle in call.throttles:
                await throttle.acquire()
        return not scope.cancelled_caught

    async def _attempt(self, call: _Call, remaining: float | None) -> httpx.Response | _Attempt:
        """One retry, bounded by what is left of the deadline."""
        from anyio import fail_after  # noqa: PLC0415 - only retries need it (import time)

        if remaining is not None:
            _timeouts_within(call.request, max(remaining, 0.001))
        sent = False
        try:
            with fail_after(remaining):
                for throttle in call.throttles:
                    await throttle.acquire()
                sent = True
                attempt_sent(call)
                return await self._get_client().send(call.request, auth=call.auth)
        except httpx.RequestError as exc:
            return self._transport_failure(call, exc)
        except TimeoutError as exc:
            if not sent:
                return self._throttle_timeout(call)
            return self._transport_failure(call, exc)
        except SDKError:
            raise
        except BaseException:
            if sent and call.money_moving:
                self._log_cancelled(call)
            raise

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


def _describe_timeouts(request: httpx.Request) -> str:
    timeouts: dict[str, float | None] = request.extensions.get("timeout") or {}
    if not timeouts:
        return "none"
    return ", ".join(
        f"{phase} {'none' if value is None else f'{value:g}s'}" for phase, value in timeouts.items()
    )
