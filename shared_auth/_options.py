"""The client options, each declared once: its name, its type and what it means.

A client's constructor, its ``from_env()``, its ``with_options()`` and its blocking twin
take their options as ``**options`` typed by one of these ``TypedDict`` records (PEP 692),
so a type checker and an IDE see every keyword while each is written here only. An option
left out takes the default its description names; a keyword that is no option is refused
with a `TypeError` naming the method called, as Python refuses one.

The checks of the values (a timeout, a retry count, headers) live here too.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypedDict, cast

import attrs
import httpx

from shared_auth._errors import ConfigurationError
from shared_auth._outcomes import RetryPolicy

if TYPE_CHECKING:
    import os

    from shared_auth.fleet import Journal, RateBudget, RateBudgetOutage

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "CallOptions",
    "ClientOptions",
    "NotGiven",
    "TimeoutArgument",
    "check_max_concurrency",
    "check_options",
    "checked_headers",
    "policy_of",
    "rate_budget_of",
    "resolve_policy",
    "resolve_timeout",
]

#: No timeout or deadline is this long; a larger one is a mistake (or an overflow).
_MAX_SECONDS: Final = 365 * 24 * 3600.0
_RESERVED_HEADERS: Final = frozenset({"authorization", "channel", "host", "content-length"})
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


class NotGiven:
    """The type of [NOT_GIVEN][shared_auth.NOT_GIVEN]: an argument left out.

    (``None`` means "no limit".)
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


#: The default of ``timeout=`` and ``deadline=``: "use the SDK's default". Pass ``None`` to
#: disable the limit, as in httpx.
NOT_GIVEN: Final = NotGiven()

#: What ``timeout=`` takes: seconds, an ``httpx.Timeout``, ``None`` (no timeout) or
#: `NOT_GIVEN` (the SDK's default: 30 s, 10 s to connect).
TimeoutArgument = float | httpx.Timeout | None | NotGiven


class _CallLimits(TypedDict, total=False):
    """How long a call may take and how often it is retried (see ``ClientOptions``)."""

    timeout: TimeoutArgument
    max_retries: int | NotGiven
    deadline: float | NotGiven | None


class CallOptions(_CallLimits, total=False):
    """The keywords of a client's ``with_options()``: what its copy changes.

    ``timeout``, ``max_retries`` and ``deadline`` are the client's options of those names
    (see [ClientOptions][shared_auth.ClientOptions]); one left out keeps the original's.

    Attributes:
        extra_headers: Headers added to every request of the copy (never ``Authorization``
            or ``channel``, which the route family's credential sets).
    """

    extra_headers: Mapping[str, str] | None


class ClientOptions(_CallLimits, total=False):
    """The options both clients take: keywords of the constructor, ``from_env()`` and twin.

    Each SDK's own options record adds those of its API (its base URL, its throttle) and
    types the keywords of its client's constructor and ``from_env()`` and of its blocking
    twin; every option may be left out.

    Attributes:
        timeout: Per-attempt timeout in seconds (or an ``httpx.Timeout``); default 30 s,
            10 s to connect; ``None`` disables it.
        max_retries: Retries after a failed first attempt (default 2).
        deadline: Seconds a whole call may take, client-side throttle, credential refresh,
            retries and their waits included (default 120; ``None``: no bound).
        retry: The full retry and deadline policy, a [RetryPolicy][shared_auth.RetryPolicy]
            (``max_retries`` and ``deadline`` override its fields).
        http_client: An ``httpx.AsyncClient`` you own and close (its base URL and auth are
            not used). By default the client creates and closes its own.
        max_concurrency: How many requests the client sends at once (its ``with_options``
            copies and blocking twin included: they share one pool); further calls wait
            their turn, first come first served, within their deadline. Default: the
            connection pool's ``max_connections`` (100 when it is unknown or unbounded),
            shared with every client using the same ``http_client``.
        default_headers: Headers sent with every request (never ``Authorization`` or
            ``channel``, which the route family's credential sets).
        rate_budget: Where the client-side rate windows live: in this process (``None``,
            the default), or a ``redis://`` URL (or a blocking ``redis.Redis``) to share
            them with every process and host using the same key (needs the ``redis``
            extra).
        rate_budget_outage: What a shared ``rate_budget`` does while its Redis is
            unreachable: ``"fail"`` (the default) raises `RateBudgetUnavailableError` and
            sends nothing; ``shared_auth.fleet.LocalFallback(processes=N)`` throttles each
            process to its share of each window (``limit // N``) until Redis answers again.
        journal: A purchase journal (``shared_auth.fleet.Journal``, a SQLite file path or
            a ``redis://`` URL): each money-moving call the client's description names is
            claimed by its reference before it is sent, so a retried job returns the
            recorded answer instead of paying again. The journal must exist
            (``python -m shared_auth.fleet init``); check it at startup with
            ``check_journal()``. See "Running many workers" in the README.
    """

    retry: RetryPolicy | None
    http_client: httpx.AsyncClient | None
    max_concurrency: int | None
    default_headers: Mapping[str, str] | None
    rate_budget: RateBudget
    rate_budget_outage: RateBudgetOutage
    journal: Journal | str | os.PathLike[str] | None


def _keys(record: object) -> frozenset[str]:
    """The keys a ``TypedDict`` record declares, its bases' included."""
    declared: frozenset[str] = getattr(record, "__optional_keys__", frozenset())
    return declared | getattr(record, "__required_keys__", frozenset())


def check_options(options: Mapping[str, object], record: object, *, method: str) -> None:
    """Refuse a keyword ``record`` (a ``TypedDict``) does not declare, as Python would.

    Args:
        options: The ``**options`` a method received.
        record: The ``TypedDict`` that types them.
        method: The method as the caller called it, e.g. ``"AsyncExampleClient()"``.

    Raises:
        TypeError: ``"<method> got an unexpected keyword argument 'x'"``, naming the
            closest option when one is close.
    """
    known = _keys(record)
    for name in options:
        if name not in known:
            msg = f"{method} got an unexpected keyword argument {name!r}"
            close = difflib.get_close_matches(name, sorted(known), n=1)
            if close:
                msg += f"; did you mean {close[0]!r}?"
            raise TypeError(msg)


def policy_of(retry: RetryPolicy | None, options: _CallLimits) -> RetryPolicy:
    """``retry`` (or the default policy) with the ``max_retries``/``deadline`` options applied."""
    return resolve_policy(
        retry,
        max_retries=options.get("max_retries", NOT_GIVEN),
        deadline=options.get("deadline", NOT_GIVEN),
    )


def rate_budget_of(options: ClientOptions) -> tuple[RateBudget, RateBudgetOutage]:
    """The ``rate_budget`` option and its outage policy (``"fail"`` unless given)."""
    return options.get("rate_budget"), options.get("rate_budget_outage", "fail")


def resolve_timeout(timeout: TimeoutArgument, *, what: str) -> httpx.Timeout:
    """The per-attempt ``httpx.Timeout`` for a ``timeout=`` argument, checked."""
    if isinstance(timeout, NotGiven):
        return DEFAULT_TIMEOUT
    if timeout is None:
        return httpx.Timeout(None)
    values: tuple[object, ...] = (
        tuple(timeout.as_dict().values()) if isinstance(timeout, httpx.Timeout) else (timeout,)
    )
    for value in values:
        if value is not None and not _is_seconds(value):
            msg = (
                f"{what} timeout must be a positive number of seconds, an httpx.Timeout or "
                f"None for no timeout; got {timeout!r}"
            )
            raise ConfigurationError(msg)
    return httpx.Timeout(timeout)


def checked_headers(headers: Mapping[str, str] | None, *, what: str) -> dict[str, str]:
    """Caller-supplied headers, refusing those the route family's credential sets."""
    checked: dict[object, object] = dict(cast("Mapping[object, object]", headers or {}))
    for name, value in checked.items():
        if not isinstance(name, str) or not isinstance(value, str):
            msg = f"{what} must map header names to string values; got {name!r}: {value!r}"
            raise ConfigurationError(msg)
        if name.lower() in _RESERVED_HEADERS:
            msg = f"{what} must not set {name!r}: the client's credential does"
            raise ConfigurationError(msg)
    return cast("dict[str, str]", checked)


def _is_seconds(value: object) -> bool:
    """A positive, finite, sane number of seconds (not a bool, not NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 < value < _MAX_SECONDS


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_max_concurrency(value: object) -> None:
    """Refuse a ``max_concurrency`` that is neither ``None`` nor an int of at least 1."""
    if value is not None and not (_is_count(value) and value):
        msg = (
            "max_concurrency must be an int >= 1 (how many requests the client sends at once; "
            f"the others wait their turn) or None to size it from the connection pool; got "
            f"{value!r}"
        )
        raise ConfigurationError(msg)


def resolve_policy(
    retry: RetryPolicy | None,
    *,
    max_retries: int | NotGiven = NOT_GIVEN,
    deadline: float | NotGiven | None = NOT_GIVEN,
) -> RetryPolicy:
    """A [RetryPolicy][shared_auth.RetryPolicy] from ``retry=``/``max_retries=``/``deadline=``."""
    if retry is not None and not isinstance(cast("object", retry), RetryPolicy):
        msg = (
            f"retry must be a RetryPolicy (or None), not {type(retry).__name__}: pass "
            "RetryPolicy(max_retries=..., deadline=...), or max_retries=/deadline= alone"
        )
        raise ConfigurationError(msg)
    policy = retry if retry is not None else RetryPolicy()
    changes: dict[str, Any] = {}
    if not isinstance(max_retries, NotGiven):
        if not _is_count(max_retries):
            msg = f"max_retries must be an int >= 0 (0 disables retrying); got {max_retries!r}"
            raise ConfigurationError(msg)
        changes["max_retries"] = max_retries
    if not isinstance(deadline, NotGiven):
        if deadline is not None and not _is_seconds(deadline):
            msg = f"deadline must be a positive number of seconds or None; got {deadline!r}"
            raise ConfigurationError(msg)
        changes["deadline"] = deadline
    return attrs.evolve(policy, **changes) if changes else policy
