"""The outcome table: what each kind of failure means for a call, and the retry policy.

Every failed attempt is first classified ([`Failure`][shared_auth.Failure]), then
[`OUTCOMES`][shared_auth.OUTCOMES] — one table, data rather than an if-chain — says what it means
for an idempotent request and for a money-moving one:

=================  ===========================================  ==========  ============
failure            what happened                                idempotent  money-moving
=================  ===========================================  ==========  ============
``NOT_SENT``       connect error/timeout, pool timeout          retry       retry
``LOST``           sent, then read/write error, timeout, reset  retry       unknown
``REFUSED_LOCAL``  cannot be sent as built, or the deadline     raise       raise
                   passed before it was sent (throttle, gate)
``RATE_LIMITED``   429 (status or envelope)                     wait        wait
``SERVER_ERROR``   5xx (status or envelope)                     retry       unknown
``CLIENT_ERROR``   other 4xx (status or envelope)               raise       raise
``UNREADABLE``     2xx whose body is not JSON, cut off, empty   retry       unknown
``INVALID``        2xx whose JSON does not fit the model (or    raise       unknown
                   is nested too deeply to parse)
=================  ===========================================  ==========  ============

"unknown" raises ``OutcomeUnknownError``: the request may have taken effect (a 2xx to a
money-moving request means the money moved, even when the receipt is garbage), so it is
never sent again; the caller reconciles by its reference. "wait" honours
``Retry-After``/``X-RateLimit-Reset`` up to ``RetryPolicy.max_rate_limit_wait``; "retry"
backs off exponentially with full jitter. A retry that would run past the call's deadline
is not started. An unreadable body is retried (a cut-off read is usually a one-off); a
body that is JSON but not the expected shape is not: it would fail again.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

__all__ = [
    "DEADLINE_EXTENSION",
    "OUTCOMES",
    "Action",
    "Envelope",
    "ErrorDetails",
    "ErrorParser",
    "Failure",
    "RetryPolicy",
    "Unreadable",
]

#: The request extension holding the call's deadline (a ``time.monotonic()`` instant), read
#: by the credentials that refresh a token before they send.
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
    INVALID = "success of an unexpected shape"


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
    Failure.UNREADABLE: (Action.RETRY, Action.UNKNOWN),
    Failure.INVALID: (Action.RAISE, Action.UNKNOWN),
}


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a client retries, and how long a call may take in all.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_backoff: Upper bound of the first jittered backoff, in seconds.
        max_backoff: Upper bound of any jittered backoff, in seconds.
        max_rate_limit_wait: The longest ``Retry-After`` the client waits out; a longer one
            raises `RateLimitError` at once, with ``retry_after`` set.
        deadline: Seconds a whole call may take, throttle, the wait for a connection,
            credential refresh, retries and waits included (``None``: no bound beyond the
            per-attempt timeouts).
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
#: body reports a failure (``{"success": false, "statusCode": …}``).
Envelope = Callable[[Any], "int | None"]


class Unreadable(Exception):  # noqa: N818 - a signal inside the pipeline, never raised to users
    """A decoder could not read a success body; the pipeline decides what that means."""

    def __init__(self, what: str, *, errors: Sequence[str] = ()) -> None:
        super().__init__(what)
        self.what = what
        self.errors = tuple(errors)
