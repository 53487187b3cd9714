"""Serving a sandbox's ASGI app with uvicorn on loopback only (in a thread or a CLI).

uvicorn is an optional extra: it is imported when a server is made, and a missing one is
reported with the calling sandbox's own install hint.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

__all__ = ["bind", "check_loopback", "loopback_parser", "make_server", "serve_in_thread", "url_of"]

_POLL: Final = 0.01
_START_TIMEOUT: Final = 10.0
_STOP_TIMEOUT: Final = 10.0
_FORCE_TIMEOUT: Final = 5.0


def loopback_parser(prog: str, description: str, *, port: int) -> argparse.ArgumentParser:
    """A sandbox command's parser, with its ``--host`` (loopback) and ``--port`` options."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=port, help="port; 0 picks a free one")
    return parser


def check_loopback(host: str) -> str:
    """Return ``host`` as a loopback IP literal (``localhost`` becomes ``127.0.0.1``).

    A sandbox accepts fake credentials and exposes control routes, so it must never
    listen where another machine could reach it.

    Raises:
        ValueError: ``host`` is not ``localhost`` or a loopback IP address.
    """
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(f"refusing to serve the sandbox on non-loopback host {host!r}")
    return str(address)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on a loopback ``host`` (``port`` 0 picks a free port)."""
    address = check_loopback(host)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        # Listening now lets clients queue up before uvicorn has started accepting.
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket (an IPv6 host in brackets)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def make_server(app: ASGIApp, *, missing_extra: str, **options: Any) -> uvicorn.Server:
    """A uvicorn server for ``app`` that never writes an access log.

    Access logs would print request paths, and some paths carry credentials.

    Args:
        app: The ASGI app.
        missing_extra: The ImportError's message when uvicorn is not installed.
        **options: More ``uvicorn.Config`` settings (``log_config=None`` leaves the host
            process's logging alone, as a library running inside someone's tests must).
    """
    try:
        import uvicorn  # noqa: PLC0415 - optional extra, needed only to serve
    except ImportError as exc:
        raise ImportError(missing_extra) from exc
    settings: dict[str, Any] = {"access_log": False, "lifespan": "off", "ws": "none", **options}
    return uvicorn.Server(uvicorn.Config(app, **settings))


@contextlib.contextmanager
def serve_in_thread(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    name: str,
    missing_extra: str,
    startup_timeout: float = _START_TIMEOUT,
    **options: Any,
) -> Iterator[str]:
    """Serve ``app`` on loopback from a daemon thread with its own event loop.

    Args:
        app: The ASGI app.
        host: A loopback address.
        port: The port; 0 picks a free one.
        name: The thread's name, also used in the startup error.
        missing_extra: As for `make_server`.
        startup_timeout: Seconds the server may take to start.
        **options: More ``uvicorn.Config`` settings; ``log_config`` defaults to ``None``.

    Yields:
        ``http://host:port``.

    Raises:
        ValueError: ``host`` is not a loopback address.
        RuntimeError: The server did not start within ``startup_timeout``.
    """
    sock = bind(host, port)
    options.setdefault("log_config", None)
    server = make_server(app, missing_extra=missing_extra, **options)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    try:
        thread.start()
        _wait_started(server, thread, startup_timeout, name)
        yield url_of(sock)
    finally:
        _stop(server, thread)
        sock.close()


def _wait_started(
    server: uvicorn.Server, thread: threading.Thread, timeout: float, name: str
) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the {name} server did not start")
        time.sleep(_POLL)


def _stop(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    if thread.ident is None:  # never started
        return
    thread.join(timeout=_STOP_TIMEOUT)
    if thread.is_alive():
        # Graceful shutdown is stuck on a connection that will not close; cut it short.
        server.force_exit = True
        thread.join(timeout=_FORCE_TIMEOUT)
