"""The ``fast`` extra: an ``httpx.AsyncClient`` whose transport is aiohttp's.

httpx's own transport spends most of a request's client-side time in its connection pool;
``httpx-aiohttp`` keeps httpx's API (so the SDK is unchanged) and sends through aiohttp, which
the project's throughput benchmark measures at several times raw httpx's requests per
second. aiohttp runs on asyncio only: under trio the client is refused with a
`ConfigurationError` (keep the default transport there).

Two things are fixed on top of ``httpx-aiohttp``:

- **The event loop.** aiohttp fails under trio with a bare ``RuntimeError: no running event
  loop`` at the first request. The client is refused when it is built inside trio, and a
  client built outside any loop refuses its first request if that runs outside asyncio.
- **Connection failures.** ``httpx-aiohttp`` maps every ``aiohttp.ClientConnectionError`` to
  ``httpx.ConnectTimeout``: a refused connection read as a timeout (and the SDK advised a
  larger ``timeout=``), and a connection the server dropped *after* the request went out
  read as "never sent". Here a failed connect is ``httpx.ConnectError`` and a connection
  lost afterwards is ``httpx.RemoteProtocolError``/``httpx.ReadError``, as with httpx's
  own transport; real timeouts stay timeouts.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypedDict, Unpack, cast

import httpx

from shared_auth._errors import ConfigurationError
from shared_auth._version import install_hint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from httpx._types import (
        AuthTypes,
        CertTypes,
        CookieTypes,
        HeaderTypes,
        ProxyTypes,
        QueryParamTypes,
        TimeoutTypes,
    )

__all__ = ["AiohttpClientOptions", "aiohttp_http_client"]


class AiohttpClientOptions(TypedDict, total=False):
    """The keywords of ``httpx.AsyncClient`` that `aiohttp_http_client` passes on.

    Every keyword of ``httpx.AsyncClient`` but ``transport`` (aiohttp's, set by
    `aiohttp_http_client`), with httpx's types and defaults; see httpx's documentation.
    The SDK sets each request's timeouts, base URL and credentials itself.
    """

    auth: AuthTypes | None
    params: QueryParamTypes | None
    headers: HeaderTypes | None
    cookies: CookieTypes | None
    verify: ssl.SSLContext | str | bool
    cert: CertTypes | None
    http1: bool
    http2: bool
    proxy: ProxyTypes | None
    mounts: Mapping[str, httpx.AsyncBaseTransport | None] | None
    timeout: TimeoutTypes
    follow_redirects: bool
    limits: httpx.Limits
    max_redirects: int
    #: ``{"request": [...], "response": [...]}``: coroutine functions httpx awaits with
    #: each request or response.
    event_hooks: Mapping[str, Sequence[Callable[..., Awaitable[object]]]] | None
    base_url: httpx.URL | str
    trust_env: bool
    default_encoding: str | Callable[[bytes], str]


#: The keywords that configure the connection pool rather than the client: passed to the
#: aiohttp transport (``trust_env`` goes to both).
_TRANSPORT_KEYS: Final = ("verify", "cert", "http1", "http2", "limits", "proxy")


def _running_library() -> str | None:
    """The async library running in this thread (``"asyncio"``, ``"trio"``), else None."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return "asyncio"
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            trio.lowlevel.current_task()
        except RuntimeError:
            pass
        else:
            return "trio"
    return None


def _refusal(library: str | None) -> ConfigurationError:
    where = "outside any event loop" if library is None else f"under {library}"
    msg = (
        f"aiohttp_http_client() needs asyncio: aiohttp runs on asyncio only, and this code "
        f"runs {where}. Under trio (or any loop other than asyncio) leave http_client= out "
        "and the SDK uses httpx's own transport, which runs everywhere"
    )
    return ConfigurationError(msg)


def aiohttp_http_client(**options: Unpack[AiohttpClientOptions]) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` sending through aiohttp, for ``http_client=`` (asyncio only).

    Pass it to either client (async or blocking); as with any ``http_client=``, you close
    it (``await http.aclose()``, or ``async with``), and the SDK still applies its
    timeouts and User-Agent::

        async with aiohttp_http_client() as http, AsyncClient(key, http_client=http) as client:
            ...

    A connection that cannot be made raises `APIConnectionError`, as with the default
    transport; a timeout raises `APITimeoutError`.

    Args:
        **options: Passed to ``httpx.AsyncClient``: any of its keywords but ``transport``
            (``headers=``, ``event_hooks=``, ...), with httpx's types. The pool's own
            (``limits=``, ``verify=``, ``cert=``, ``http1=``, ``http2=``, ``proxy=``) go to
            the aiohttp transport instead, which httpx would otherwise ignore.

    Raises:
        ConfigurationError: ``httpx-aiohttp`` is not installed (extra ``fast``), or this
            runs under trio (or another loop than asyncio): aiohttp needs asyncio. Built
            outside any loop, the client raises it at its first request instead.
    """
    library = _running_library()
    if library not in (None, "asyncio"):
        raise _refusal(library)
    # httpx applies these to its own transport only (it ignores them beside transport=):
    # they go to the aiohttp transport, which takes them, so none is silently dropped.
    settings = cast("dict[str, Any]", options)
    transport_settings: dict[str, Any] = {
        key: settings.pop(key) for key in _TRANSPORT_KEYS if key in settings
    }
    if "trust_env" in settings:
        transport_settings["trust_env"] = settings["trust_env"]
    try:
        transport = _transport_class()(**transport_settings)
    except ImportError as exc:
        msg = f"the aiohttp transport needs httpx-aiohttp: {install_hint('fast')}"
        raise ConfigurationError(msg) from exc
    # httpx types each hook list as a ``list``; any sequence of them works (it copies them).
    return httpx.AsyncClient(transport=transport, **settings)


def _remapped(exc: httpx.TransportError, request: httpx.Request) -> httpx.TransportError:
    """The exception httpx's own transport raises for the aiohttp failure behind ``exc``."""
    import aiohttp  # noqa: PLC0415 - optional dependency, loaded with the transport already

    cause = exc.__cause__
    if not isinstance(cause, aiohttp.ClientConnectionError) or isinstance(cause, TimeoutError):
        return exc  # a timeout, a payload error...: mapped right already
    detail = str(cause) or type(cause).__name__
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(detail, request=request)  # nothing was sent
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(detail, request=request)
    return httpx.ReadError(detail, request=request)


class _Body(httpx.AsyncByteStream):
    """A response body whose connection failures are mapped as `_remapped` says."""

    def __init__(self, stream: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except httpx.TransportError as exc:
            raise _remapped(exc, self._request) from exc.__cause__

    async def aclose(self) -> None:
        await self._stream.aclose()


@functools.cache
def _transport_class() -> type[httpx.AsyncBaseTransport]:
    """``httpx_aiohttp.AiohttpTransport`` with the loop check and the error mapping fixed."""
    from httpx_aiohttp import AiohttpTransport  # noqa: PLC0415 - optional dependency

    class SDKAiohttpTransport(AiohttpTransport):
        """aiohttp's transport, asyncio-checked, with httpx's exceptions for its failures."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            library = _running_library()
            if library != "asyncio":
                raise _refusal(library)
            try:
                response = await super().handle_async_request(request)
            except httpx.TransportError as exc:
                raise _remapped(exc, request) from exc.__cause__
            stream = response.stream
            if isinstance(stream, httpx.AsyncByteStream):
                response.stream = _Body(stream, request)
            return response

    return SDKAiohttpTransport
