"""Serving the sandbox over loopback with uvicorn (in a thread or from the CLI)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dptcay_sdk._spec import BASE_PATH
from dptcay_sdk.testing._extra import MISSING_EXTRA

try:
    import uvicorn
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(MISSING_EXTRA) from exc

if TYPE_CHECKING:
    from starlette.types import ASGIApp

_POLL = 0.01


def check_loopback(host: str) -> None:
    """Refuse any host that is not a loopback address.

    The sandbox accepts fake keys and exposes control routes, so it must never listen
    where another machine could reach it.

    Raises:
        ValueError: If ``host`` is not ``localhost`` or a loopback IP address.
    """
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"refusing to serve the sandbox on non-loopback host {host!r}")


def bind(host: str, port: int) -> socket.socket:
    """Bind a TCP socket on a loopback ``host`` (``port`` 0 picks a free port)."""
    check_loopback(host)
    address = "127.0.0.1" if host == "localhost" else host
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    return sock


def base_url_of(sock: socket.socket) -> str:
    """The API base URL (``http://host:port/v1``) of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{BASE_PATH}"


def make_server(app: ASGIApp, *, quiet: bool) -> uvicorn.Server:
    """A uvicorn server for ``app`` that never writes an access log.

    Access logs would print request paths, and ``DELETE /v1/keys/{key}`` carries a key.

    Args:
        app: The ASGI app.
        quiet: Leave the host process's logging configuration alone (no
            ``dictConfig``), as a library running inside someone's tests must.
    """
    config = uvicorn.Config(
        app,
        access_log=False,
        log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
        lifespan="off",
        http="h11",
        ws="none",
        loop="asyncio",
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


@contextlib.contextmanager
def serve_in_thread(
    app: ASGIApp, *, host: str, port: int, startup_timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` on loopback from a background thread with its own event loop.

    Yields:
        The base URL, such as ``http://127.0.0.1:54321/v1``.

    Raises:
        RuntimeError: If the server does not start within ``startup_timeout``.
    """
    sock = bind(host, port)
    server = make_server(app, quiet=True)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="dptcay-sandbox", daemon=True
    )
    try:
        thread.start()
        _wait_started(server, thread, startup_timeout)
        yield base_url_of(sock)
    finally:
        _stop(server, thread)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dptcay sandbox server did not start")
        time.sleep(_POLL)


def _stop(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    if thread.ident is None:  # never started
        return
    thread.join(timeout=10)
    if thread.is_alive():
        # Graceful shutdown is stuck on a connection that will not close; cut it short.
        server.force_exit = True
        thread.join(timeout=5)
