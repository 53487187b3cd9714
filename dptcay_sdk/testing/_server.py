"""Serving the dptcay sandbox over loopback (in a thread or from the CLI).

The loopback-only socket, the quiet uvicorn server and the thread are the shared kit's
(``shared_auth._sandbox``); this module adds the ``/v1`` base path and dptcay's settings.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from dptcay_sdk._spec import BASE_PATH
from dptcay_sdk.testing._extra import MISSING_EXTRA
from shared_auth import _sandbox as kit
from shared_auth._sandbox import bind

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

__all__ = ["base_url_of", "bind", "make_server", "serve_in_thread"]

#: h11 and the asyncio loop whatever else is installed: the same server everywhere.
_SETTINGS: Final[dict[str, Any]] = {
    "http": "h11",
    "loop": "asyncio",
    "timeout_graceful_shutdown": 5,
}


def base_url_of(sock: socket.socket) -> str:
    """The API base URL (``http://host:port/v1``) of a bound socket."""
    return kit.url_of(sock) + BASE_PATH


def make_server(app: ASGIApp, *, quiet: bool) -> uvicorn.Server:
    """A uvicorn server for ``app`` that never writes an access log.

    Access logs would print request paths, and ``DELETE /v1/keys/{key}`` carries a key.

    Args:
        app: The ASGI app.
        quiet: Leave the host process's logging configuration alone (no
            ``dictConfig``), as a library running inside someone's tests must.
    """
    log_config = None
    if not quiet:
        try:
            from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415 - only when serving
        except ImportError as exc:
            raise ImportError(MISSING_EXTRA) from exc
        log_config = LOGGING_CONFIG
    return kit.make_server(app, missing_extra=MISSING_EXTRA, log_config=log_config, **_SETTINGS)


@contextlib.contextmanager
def serve_in_thread(
    app: ASGIApp, *, host: str, port: int, startup_timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` on loopback from a background thread with its own event loop.

    Yields:
        The base URL, such as ``http://127.0.0.1:54321/v1``.

    Raises:
        ValueError: ``host`` is not a loopback address.
        RuntimeError: If the server does not start within ``startup_timeout``.
    """
    with kit.serve_in_thread(
        app,
        host=host,
        port=port,
        name="dptcay-sandbox",
        missing_extra=MISSING_EXTRA,
        startup_timeout=startup_timeout,
        **_SETTINGS,
    ) as url:
        yield url + BASE_PATH
