"""What both async clients share: base-URL rules, the lazily created httpx client, closing."""

from __future__ import annotations

import copy
import ipaddress
import json
import logging
import os
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self, TypeVar, Unpack, cast

import httpx

from shared_auth import _tracing
from shared_auth._errors import ClientClosedError, ConfigurationError, SDKError
from shared_auth._errortable import NO_TABLE, ErrorTable, converting, converting_entry_points
from shared_auth._logenv import apply_log_env
from shared_auth._loops import wrong_loop_error
from shared_auth._options import (
    NOT_GIVEN,
    CallOptions,
    ClientOptions,
    NotGiven,
    TimeoutArgument,
    check_max_concurrency,
    check_options,
    checked_headers,
    policy_of,
    resolve_policy,
    resolve_timeout,
)
from shared_auth._outcomes import Envelope, ErrorParser
from shared_auth._pipeline import Pipeline, RequestOptions
from shared_auth._ratelimit import resolve_rate_limit
from shared_auth._redact import install_log_redaction
from shared_auth._routes import Route, format_path

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from types import TracebackType

    import cattrs
    import httpx as _httpx

    from shared_auth._decode import Decoder
    from shared_auth._outcomes import RetryPolicy
    from shared_auth._ratelimit import RateLimit
    from shared_auth._throttle import Throttle
    from shared_auth.fleet._hook import JournalHook
    from shared_auth.fleet._journal import RecoveryReport

__all__ = [
    "NOT_GIVEN",
    "BaseAsyncClient",
    "CallOptions",
    "ClientOptions",
    "NotGiven",
    "TimeoutArgument",
    "resolve_policy",
    "resolve_timeout",
    "validate_base_url",
]

_T = TypeVar("_T")

_LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost.localdomain"})
#: The connection pool of the httpx client the SDK builds for itself (a caller's
#: ``http_client`` keeps its own): httpx's defaults, 100 connections and 20 kept alive.
#: Measured with benchmark P8 against nginx on a quiet machine, each client starting cold
#: (its first calls all at once), SDK/gated-httpx throughput at 50 / 500 / 2,000 tasks:
#: 100/20 1.65 / 1.09 / 1.00x; 100/50 0.58 / 0.57 / 0.74x; 100/100 0.60 / 0.55 / 0.69x
#: (httpcore walks every connection on each request and release, and checks each idle one's
#: socket: 2.8 ms of CPU per call). 100 connections size the admission gate to 100 calls
#: in flight; README, "Performance".
DEFAULT_LIMITS: Final = httpx.Limits(max_connections=100, max_keepalive_connections=20)


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str, *, what: str) -> str:
    """Check a base URL: ``https://``, or ``http://`` only for a loopback host (a sandbox).

    Returns the URL without a trailing slash.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        msg = f"{what} base_url is not a URL: {url!r}"
        raise ConfigurationError(msg) from exc
    if parsed.userinfo or parsed.query or parsed.fragment:  # checked first: never echo these
        msg = f"{what} base_url must not carry credentials, a query or a fragment"
        raise ConfigurationError(msg)
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        msg = (
            f"{what} base_url must use https:// (http:// is accepted only for a loopback host "
            f"such as a local sandbox); got {url!r}"
        )
        raise ConfigurationError(msg)
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        msg = f"{what} base_url must be an absolute https:// URL; got {url!r}"
        raise ConfigurationError(msg)
    return str(parsed).rstrip("/")


class BaseAsyncClient:
    """The lifecycle both async clients share.

    The ``httpx.AsyncClient`` is created on first use unless the caller passes
    ``http_client`` — which the caller owns and closes:
    [`aclose`][shared_auth.BaseAsyncClient.aclose] never closes it. On a caller's ``http_client``
    the SDK still sends its own ``User-Agent`` and applies its timeouts to each request (the
    client's other settings, such as proxies, are kept).

    Each client owns its cattrs converter, built by the SDK's factory on the first response
    it reads (building one is the slow part, so it is kept for the client's life).
    """

    _api_name: str = "API"
    #: The SDK's own error classes (its ``_exceptions.ERRORS``): raised by its pipeline, and
    #: what any shared error escaping a call is handed on as.
    _errors: ClassVar[ErrorTable] = NO_TABLE
    #: ``from_env()``: the prefix of the SDK's variables (``EXAMPLE`` reads ``EXAMPLE_LOG``).
    _env_prefix: ClassVar[str] = ""
    #: ``from_env()``: the options read from ``<prefix>_<OPTION>`` when not given.
    _env_options: ClassVar[tuple[str, ...]] = ()
    #: ``from_env()``: the logger ``<prefix>_LOG`` turns on.
    _env_logger: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """An SDK client's constructor raises the SDK's error classes, whoever checks."""
        super().__init_subclass__(**kwargs)
        converting_entry_points(cls)

    def __init__(
        self,
        options: ClientOptions,
        /,
        *,
        base_url: str,
        parse_error: ErrorParser,
        converter: Callable[[], cattrs.Converter],
        logger: logging.Logger,
        user_agent: str,
        envelope: Envelope | None = None,
        json_loads: Callable[[bytes], Any] = json.loads,
        journal: JournalHook | None = None,
    ) -> None:
        """Apply ``options`` (those the SDK's client does not read itself).

        Args:
            options: The client's [ClientOptions][shared_auth.ClientOptions]: its timeout,
                retry policy, ``http_client``, ``max_concurrency`` and ``default_headers``
                are applied here; the SDK's client reads its rate budget and journal.
            base_url: The API root, checked by `validate_base_url`.
            parse_error: The SDK's error-body parser.
            converter: The factory of the SDK's cattrs converter.
            logger: The SDK's logger.
            user_agent: The ``User-Agent`` every request carries.
            envelope: The SDK's reading of a 2xx that is a refusal.
            json_loads: The JSON decoder of response bodies.
            journal: The SDK's journal hook for the ``journal`` option (``None``: none).
        """
        install_log_redaction()
        http_client = options.get("http_client")
        max_concurrency = options.get("max_concurrency")
        check_max_concurrency(max_concurrency)
        # Fleet support: the purchase journal and a shared rate budget's header feedback.
        # Both stay off the path of every call they do not concern.
        self._journal = journal
        self._owns_journal = journal is not None
        self._observe_rate: Callable[[httpx.Headers], None] | None = None
        if not isinstance(cast("object", http_client), httpx.AsyncClient | None):
            msg = (
                f"http_client must be an httpx.AsyncClient (got {type(http_client).__name__}): "
                "this client is async; a blocking twin also runs one on its own loop thread"
            )
            raise ConfigurationError(msg)
        self._base_url = validate_base_url(base_url, what=self._api_name)
        self._timeout = resolve_timeout(options.get("timeout", NOT_GIVEN), what=self._api_name)
        self._user_agent = user_agent
        headers = options.get("default_headers")
        self._default_headers = checked_headers(headers, what="default_headers")
        self._http_client = http_client
        self._owns_http_client = http_client is None
        self._closed = False
        self._last_headers: httpx.Headers | None = None
        self._make_converter = converter
        self._converter: cattrs.Converter | None = None
        self._pipeline = Pipeline(
            base_url=self._base_url,
            get_client=self._client,
            parse_error=parse_error,
            policy=policy_of(options.get("retry"), options),
            logger=logger,
            converter=self._get_converter,
            timeout=self._timeout,
            envelope=envelope,
            json_loads=json_loads,
            on_response=self._remember_headers,
            max_concurrency=max_concurrency,
            errors=self._errors,
        )
        self._request_options = self._per_request_options()

    @classmethod
    def _from_environment(
        cls, environ: Mapping[str, str] | None, given: Mapping[str, object]
    ) -> dict[str, Any]:
        """``from_env()``'s keywords for the constructor: ``given``, then the environment.

        Each of ``_env_options`` that ``given`` lacks (or gives as ``NOT_GIVEN``) is read
        from ``<prefix>_<OPTION>`` when that variable is set and not blank; ``<prefix>_LOG``
        turns on the SDK's logger.
        """
        env = os.environ if environ is None else environ
        apply_log_env(f"{cls._env_prefix}_LOG", cls._env_logger, env)
        found = {name: value for name, value in given.items() if not isinstance(value, NotGiven)}
        for name in cls._env_options:
            value = env.get(f"{cls._env_prefix}_{name.upper()}", "").strip()
            if name not in found and value:
                found[name] = value
        return found

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._base_url

    @property
    def converter(self) -> cattrs.Converter:
        """This client's converter (wire format ↔ models), built on first use."""
        return self._get_converter()

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry and deadline policy in force."""
        return self._pipeline.policy

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-attempt timeouts in force."""
        return self._timeout

    @property
    def last_rate_limit(self) -> RateLimit | None:
        """The rate-limit headers of the latest response (``None`` if it carried none)."""
        return resolve_rate_limit(self._last_headers)

    @converting
    def with_options(self, **options: Unpack[CallOptions]) -> Self:
        """A copy of this client with other call options, sharing its connections.

        The copy shares the connection pool and its admission gate (``max_concurrency``
        counts the requests of both), the credentials (a key switched on one is switched
        on both), the throttles and the converter; closing it closes nothing.
        Use it for one call or keep it::

            slow = client.with_options(timeout=120, max_retries=0)
            await slow.payments.get("pay_1")

        Args:
            **options: What the copy changes: see [CallOptions][shared_auth.CallOptions].
        """
        check_options(options, CallOptions, method=f"{type(self).__name__}.with_options()")
        clone = copy.copy(self)
        clone._configure_copy(options)  # noqa: SLF001
        return clone

    def _configure_copy(self, options: CallOptions) -> None:
        """Finish a `with_options` copy (``self`` is the copy).

        The copy starts with the original's pipeline, whose ``get_client`` is the
        original's: both use one connection pool.
        """
        inherited = self._timeout
        timeout = options.get("timeout", NOT_GIVEN)
        if not isinstance(timeout, NotGiven):
            self._timeout = resolve_timeout(timeout, what=self._api_name)
        extra_headers = options.get("extra_headers")
        if extra_headers:
            extra = checked_headers(extra_headers, what="extra_headers")
            self._default_headers = {**self._default_headers, **extra}
        self._pipeline = self._pipeline.with_policy(policy_of(self._pipeline.policy, options))
        self._owns_http_client = False
        self._owns_journal = False  # the original closes the journal it opened
        self._request_options = self._per_request_options(forced=self._timeout is not inherited)
        self._bind_resources()

    def _bind_resources(self) -> None:
        """Create the resource namespaces bound to this client's ``_call``."""
        raise NotImplementedError

    def _per_request_options(self, *, forced: bool = False) -> RequestOptions | None:
        """Headers and timeout each request must carry itself (none on the SDK's own pool)."""
        headers = dict(self._default_headers)
        foreign = not self._owns_http_client and self._http_client is not None
        if foreign:
            headers["User-Agent"] = self._user_agent
        return RequestOptions.of(headers, self._timeout if foreign or forced else None)

    def _route_target(self, route: Route) -> tuple[_httpx.Auth, str]:
        """The credential and path prefix of ``route``'s family.

        Raises:
            MissingCredentialError: the family's credential was not configured.
        """
        raise NotImplementedError

    def _route_throttles(self, route: Route) -> tuple[Throttle, ...]:
        """The client-side throttles ``route`` counts against (none by default)."""
        del route
        return ()

    async def _call(
        self,
        route: Route,
        /,
        *,
        into: Decoder[_T],
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        reference: str | None = None,
    ) -> _T:
        """Perform ``route``: the one function every resource calls."""
        # Converted here rather than by ``@converting``: a wrapper's extra coroutine frame
        # costs every call about a microsecond.
        converted: SDKError
        try:
            return await self._perform(route, into, path_params, params, json, reference)
        except SDKError as exc:  # a shared error raised outside the pipeline (a journal's)
            converted = self._errors.convert(exc)
            if converted is exc:
                raise
        except RuntimeError as exc:  # used from a second event loop: say so, in SDK terms
            wrong_loop = wrong_loop_error(type(self).__name__, exc)
            if wrong_loop is None:
                raise
            raise wrong_loop from exc
        raise converted  # outside the handler: the original's own chain, not it

    def _perform(
        self,
        route: Route,
        into: Decoder[_T],
        path_params: Mapping[str, str] | None,
        params: Mapping[str, Any] | None,
        json: Any,
        reference: str | None,
    ) -> Awaitable[_T]:
        """The awaitable that performs ``route`` (claimed in the journal first if need be)."""
        if self._closed:  # before the journal claims anything
            raise self._closed_error()
        auth, prefix = self._route_target(route)
        path = route.path if path_params is None else format_path(route.path, path_params)
        journal = self._journal
        intent = None
        if journal is not None and reference is not None and journal.applies(route, reference):
            # A money-moving intent: claimed in the journal before it is sent, settled after;
            # its decoder keeps the body it read, for the journal to record.
            intent = journal.prepare(
                route,
                reference,
                json,
                into,
                self._get_converter,
                deadline=self._pipeline.policy.deadline,
            )
            into = intent.decoder
        sending = self._pipeline.send(
            route.method,
            prefix + path,
            into=into,
            auth=auth,
            params=params,
            json=json,
            options=self._request_options,
            idempotent=route.idempotent,
            throttles=self._route_throttles(route),
            reference=reference,
            scope=route.scope,
            outcome_advice=route.outcome_advice,
            refusal_advice=route.refusal_advice,
        )
        if intent is not None:
            sending = intent.run(sending)
        if _tracing.TRACER is not None:
            return _tracing.traced(self._api_name, route.method, prefix + route.path, sending)
        return sending

    def _get_converter(self) -> cattrs.Converter:
        converter = self._converter
        if converter is None:
            converter = self._converter = self._make_converter()
        return converter

    @converting
    async def recover_journal(self, *, grace: float = 0.0) -> RecoveryReport:
        """Settle this API's intents that dead workers left open in the client's journal.

        See [`shared_auth.fleet.Journal.recover`][shared_auth.fleet.Journal.recover].

        Raises:
            ConfigurationError: the client has no journal.
        """
        if self._journal is None:
            msg = f"this {type(self).__name__} has no journal: pass journal= to recover one"
            raise ConfigurationError(msg)
        return await self._journal.recover(grace=grace)

    @converting
    async def check_journal(self) -> str:
        """Check the client's purchase journal now, rather than at the first purchase.

        Opens the journal and verifies that it exists and is the journal this process knew
        (its identity); on Redis, also that the server keeps its data across a restart.
        Returns the journal's identity (an id).

        Raises:
            ConfigurationError: the client has no journal.
            JournalMissingError: it was never created (``python -m shared_auth.fleet init``).
            JournalLostError: it was deleted, replaced or flushed (acknowledge the loss).
            JournalUnavailableError: the backend cannot be reached.
            JournalVolatileError: a Redis without persistence (and no ``allow_volatile``).
        """
        if self._journal is None:
            msg = f"this {type(self).__name__} has no journal: pass journal= to check one"
            raise ConfigurationError(msg)
        return await self._journal.check()

    def _remember_headers(self, headers: httpx.Headers) -> None:
        self._last_headers = headers
        if self._observe_rate is not None:
            self._observe_rate(headers)

    def _client(self) -> httpx.AsyncClient:
        client = self._http_client
        if client is not None:
            return client
        if self._closed:
            raise self._closed_error()
        client = httpx.AsyncClient(
            timeout=self._timeout,
            headers={"User-Agent": self._user_agent, "Accept": "application/json"},
            follow_redirects=False,
            limits=DEFAULT_LIMITS,
        )
        self._http_client = client
        return client

    def _closed_error(self) -> ClientClosedError:
        name = type(self).__name__
        msg = (
            f"this {name} is closed (aclose() was called or its 'async with' block ended), so "
            f"it sends nothing more: create a new {name} (one per application, kept open "
            "while it is used)"
        )
        return self._errors(ClientClosedError)(msg)

    async def aclose(self) -> None:
        """Close the connections this client opened (idempotent)."""
        client, self._http_client = self._http_client, None
        self._closed = True
        if client is not None and self._owns_http_client:
            await client.aclose()
        owns_journal, self._owns_journal = self._owns_journal, False
        if owns_journal and self._journal is not None:
            await self._journal.aclose()  # only a journal the client opened from a target

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
