"""What a call in progress did, and optional OpenTelemetry spans of SDK calls.

Two consumers need to know what the pipeline did during one SDK call: a span (how many
attempts, what came of them) and a blocking twin interrupted by Ctrl-C (whether a
money-moving request may already have left, so the interrupt must carry an unknown
outcome). The pipeline reports each attempt it sends through `attempt_sent`; whoever
wants to know opens a `recording` around the call. With no recording open that hook
is one context-variable read.

Tracing is off until [`enable_tracing`][shared_auth.enable_tracing] is called, and costs one global
read per call while off. It needs only ``opentelemetry-api`` (the ``otel`` extra); the application
configures the SDK, exporters and sampling as usual. Spans carry the route *template*
(``/keys/{key}``, never the formatted path, which can hold a key), the attempt count, the
outcome and the request id: never a header, a body, a query or an error message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from shared_auth._errors import APIError, ConfigurationError, OutcomeUnknownError
from shared_auth._version import VERSION, distribution, install_hint

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

__all__ = [
    "CallRecord",
    "attempt_sent",
    "disable_tracing",
    "enable_tracing",
    "recording",
    "traced",
    "unknown_outcome_message",
]

_T = TypeVar("_T")


class SentCall(Protocol):
    """What the pipeline knows about a call it is sending (its ``_Call``)."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def money_moving(self) -> bool: ...
    @property
    def reference(self) -> str | None: ...
    @property
    def outcome_advice(self) -> str | None: ...


class CallRecord:
    """The attempts sent while a `recording` was open (nested recordings all count)."""

    __slots__ = ("attempts", "money_moving_call", "parent")

    def __init__(self, parent: CallRecord | None) -> None:
        self.parent = parent
        self.attempts = 0
        #: The latest money-moving call that was sent, if any: its outcome is the SDK's to
        #: report when the call is interrupted before an answer arrives.
        self.money_moving_call: SentCall | None = None

    def outcome_unknown(self, what: str) -> OutcomeUnknownError | None:
        """The `OutcomeUnknownError` an interruption means, or None if nothing left."""
        call = self.money_moving_call
        if call is None:
            return None
        message = unknown_outcome_message(call, what)
        return OutcomeUnknownError(
            message, reference=call.reference, method=call.method, path=call.path
        )


def unknown_outcome_message(call: SentCall, what: str) -> str:
    """Why a sent call's outcome is unknown (``what``), and what to do before a resend."""
    if call.outcome_advice is not None:
        advice = call.outcome_advice.format(reference=call.reference or "")
    else:
        ref = f" by its reference {call.reference!r}" if call.reference else ""
        advice = f"look it up{ref} before sending it again"
    return (
        f"{call.method} {call.path} was sent but its outcome is unknown ({what}). It may "
        f"have taken effect: {advice}."
    )


_CURRENT: ContextVar[CallRecord | None] = ContextVar("shared_auth_call_record", default=None)
#: The OpenTelemetry tracer while tracing is enabled; None (the default) means off.
TRACER: Any = None


def attempt_sent(call: SentCall) -> None:
    """The pipeline's hook: ``call`` is about to be sent (once per attempt)."""
    record = _CURRENT.get()
    while record is not None:
        record.attempts += 1
        if call.money_moving:
            record.money_moving_call = call
        record = record.parent


@contextmanager
def recording() -> Iterator[CallRecord]:
    """Record the attempts sent by the calls made inside this block (in this context)."""
    record = CallRecord(_CURRENT.get())
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)


def enable_tracing(tracer_provider: TracerProvider | None = None) -> None:
    """Emit one OpenTelemetry span per SDK call, from now on, for every client.

    Args:
        tracer_provider: An ``opentelemetry.trace.TracerProvider``; the global one (as
            configured by your application) by default.

    Raises:
        ConfigurationError: ``opentelemetry-api`` is not installed (extra ``otel``).
    """
    try:
        from opentelemetry import trace  # noqa: PLC0415 - optional dependency
    except ImportError as exc:
        msg = (
            f"tracing needs opentelemetry-api: {install_hint('otel')} "
            "(and configure the OpenTelemetry SDK in your application)"
        )
        raise ConfigurationError(msg) from exc

    # The instrumentation scope: the installed distribution, as OpenTelemetry advises.
    scope = distribution() or __name__.partition(".")[0]
    global TRACER  # noqa: PLW0603 - one switch for every client, like an instrumentor
    TRACER = trace.get_tracer(scope, VERSION, tracer_provider=tracer_provider)


def disable_tracing() -> None:
    """Stop emitting spans (calls already running finish their spans)."""
    global TRACER  # noqa: PLW0603
    TRACER = None


async def traced(api: str, method: str, route_path: str, call: Awaitable[_T]) -> _T:
    """Await ``call`` (one SDK call) inside a span; the caller checked `TRACER`."""
    from opentelemetry.trace import SpanKind, StatusCode  # noqa: PLC0415

    route = f"{method} {route_path}"
    with (
        TRACER.start_as_current_span(
            f"{api} {route}",
            kind=SpanKind.CLIENT,
            record_exception=False,  # messages and tracebacks stay out of spans
            set_status_on_exception=False,
        ) as span,
        recording() as record,
    ):
        span.set_attribute("sdk.api", api)
        span.set_attribute("sdk.route", route)
        span.set_attribute("http.request.method", method)
        span.set_attribute("url.template", route_path)
        try:
            result = await call
        except BaseException as exc:
            _record_failure(span, record, exc, StatusCode.ERROR)
            raise
        span.set_attribute("sdk.attempts", record.attempts)
        span.set_attribute("sdk.outcome", "result")
        _set_request_id(span, getattr(result, "request_id", None))
        return result


def _record_failure(span: Any, record: CallRecord, exc: BaseException, error: Any) -> None:
    span.set_attribute("sdk.attempts", record.attempts)
    if isinstance(exc, OutcomeUnknownError):
        outcome = "unknown"
    elif isinstance(exc, APIError):
        outcome = "error"
    elif not isinstance(exc, Exception):  # cancelled or interrupted
        outcome = "unknown" if record.money_moving_call is not None else "cancelled"
    else:
        outcome = "error"
    span.set_attribute("sdk.outcome", outcome)
    span.set_attribute("error.type", type(exc).__qualname__)
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        span.set_attribute("http.response.status_code", status)
    reference = getattr(exc, "reference", None)
    if outcome == "unknown" and isinstance(reference, str):
        span.set_attribute("sdk.reference", reference)
    _set_request_id(span, getattr(exc, "request_id", None))
    span.set_status(error, type(exc).__qualname__)


def _set_request_id(span: Any, request_id: object) -> None:
    if isinstance(request_id, str) and request_id:
        span.set_attribute("sdk.request_id", request_id)
