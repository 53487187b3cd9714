"""The ``fast`` extra: an ``httpx.AsyncClient`` whose transport is aiohttp's.

httpx's own transport spends most of a request's client-side time in its connection pool;
``httpx-aiohttp`` keeps httpx's API (so the SDK is unchanged) and sends through aiohttp, which
the project's throughput benchmark measures at several times raw httpx's requests per
second. aiohttp runs on asyncio only: on trio keep the default transport.
"""

from __future__ import annotations

from typing import Any

import httpx

from shared_auth._errors import ConfigurationError

__all__ = ["aiohttp_http_client"]


def aiohttp_http_client(**options: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` sending through aiohttp, for ``http_client=`` (asyncio only).

    Pass it to either client (async or blocking); as with any ``http_client=``, you close
    it (``await http.aclose()``), and the SDK still applies its timeouts and User-Agent::

        async with aiohttp_http_client() as http, AsyncDptcayClient(key, http_client=http) as dp:
            ...

    Args:
        **options: Passed to ``httpx.AsyncClient`` (``limits=``, ``headers=``, ...).

    Raises:
        ConfigurationError: ``httpx-aiohttp`` is not installed (extra ``fast``).
    """
    try:
        from httpx_aiohttp import AiohttpTransport  # noqa: PLC0415 - optional dependency
    except ImportError as exc:
        msg = "the aiohttp transport needs httpx-aiohttp: pip install 'dptcay-dancity-sdk[fast]'"
        raise ConfigurationError(msg) from exc
    return httpx.AsyncClient(transport=AiohttpTransport(), **options)
