"""What both async clients share: base-URL rules, the lazily created httpx client, closing."""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import TYPE_CHECKING, Any, Final, Self

import httpx

from shared_auth._errors import ConfigurationError
from shared_auth._pipeline import ErrorParser, Pipeline, Reply, RetryPolicy
from shared_auth._ratelimit import resolve_rate_limit
from shared_auth._redact import install_log_redaction
from shared_auth._routes import Route, format_path

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from types import TracebackType

    import httpx as _httpx

    from shared_auth._ratelimit import RateLimit
    from shared_auth._throttle import Throttle
    from shared_auth.fleet._hook import JournalHook
    from shared_auth.fleet._journal import RecoveryReport

__all__ = ["BaseAsyncClient", "validate_base_url"]

_LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost.localdomain"})
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


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

    The ``httpx.AsyncClient`` is created on first use, inside the running event loop, unless
    the caller passes ``http_client`` — which the caller owns and closes: :meth:`aclose`
    never closes it.
    """

    _api_name: str = "API"

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float | httpx.Timeout | None,
        http_client: httpx.AsyncClient | None,
        retry: RetryPolicy,
        parse_error: ErrorParser,
        logger: logging.Logger,
        user_agent: str,
        json_loads: Callable[[bytes], Any] = json.loads,
        journal: JournalHook | None = None,
    ) -> None:
        install_log_redaction()
        # Fleet support: the purchase journal and a shared rate budget's header feedback.
        # Both stay off the path of every call they do not concern.
        self._journal = journal
        self._observe_rate: Callable[[httpx.Headers], None] | None = None
        self._base_url = validate_base_url(base_url, what=self._api_name)
        self._timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
        self._user_agent = user_agent
        self._http_client = http_client
        self._owns_http_client = http_client is None
        self._closed = False
        self._last_headers: httpx.Headers | None = None
        self._pipeline = Pipeline(
            base_url=self._base_url,
            get_client=self._client,
            parse_error=parse_error,
            policy=retry,
            logger=logger,
            json_loads=json_loads,
            on_response=self._remember_headers,
        )

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._base_url

    @property
    def last_rate_limit(self) -> RateLimit | None:
        """The rate-limit headers of the latest response (``None`` if it carried none)."""
        return resolve_rate_limit(self._last_headers)

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
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        reference: str | None = None,
    ) -> Reply:
        """Perform ``route``: the one function every resource calls."""
        auth, prefix = self._route_target(route)
        path = route.path if path_params is None else format_path(route.path, path_params)

        journal = self._journal
        if journal is not None and reference is not None and journal.applies(route, reference):
            # A money-moving intent: claimed before it is sent, settled after.
            return await journal.call(
                route,
                reference,
                json,
                lambda: self._send(route, prefix + path, auth, params, json, reference),
            )
        return await self._send(route, prefix + path, auth, params, json, reference)

    def _send(
        self,
        route: Route,
        path: str,
        auth: _httpx.Auth,
        params: Mapping[str, Any] | None,
        json: Any,
        reference: str | None,
    ) -> Awaitable[Reply]:
        return self._pipeline.send(
            route.method,
            path,
            auth=auth,
            params=params,
            json=json,
            idempotent=route.idempotent,
            throttles=self._route_throttles(route),
            reference=reference,
            scope=route.scope,
            outcome_advice=route.outcome_advice,
        )

    async def recover_journal(self, *, grace: float = 0.0) -> RecoveryReport:
        """Settle this API's intents that dead workers left open in the client's journal.

        See :meth:`shared_auth.fleet.Journal.recover`.

        Raises:
            ConfigurationError: the client has no journal.
        """
        if self._journal is None:
            msg = f"this {type(self).__name__} has no journal: pass journal= to recover one"
            raise ConfigurationError(msg)
        return await self._journal.recover(grace=grace)

    def _remember_headers(self, headers: httpx.Headers) -> None:
        self._last_headers = headers
        if self._observe_rate is not None:
            self._observe_rate(headers)

    def _client(self) -> httpx.AsyncClient:
        client = self._http_client
        if client is not None:
            return client
        if self._closed:
            msg = f"this {type(self).__name__} is closed; create a new one"
            raise RuntimeError(msg)
        client = httpx.AsyncClient(
            timeout=self._timeout,
            headers={"User-Agent": self._user_agent, "Accept": "application/json"},
            follow_redirects=False,
        )
        self._http_client = client
        return client

    async def aclose(self) -> None:
        """Close the connections this client opened (idempotent)."""
        client, self._http_client = self._http_client, None
        self._closed = True
        if client is not None and self._owns_http_client:
            await client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
