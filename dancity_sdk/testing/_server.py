"""Serving the sandbox with uvicorn on loopback only: in a background thread, or from the CLI."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

EXTRA_HINT: Final = (
    "dancity_sdk.testing needs the 'sandbox' extra: pip install 'dptcay-dancity-sdk[sandbox]'"
)
_START_TIMEOUT: Final = 10.0
_STOP_TIMEOUT: Final = 10.0


def loopback_address(host: str) -> str:
    """Return ``host`` as a loopback IP literal (``localhost`` → ``127.0.0.1``).

    Raises:
        ValueError: ``host`` is not a loopback address: the sandbox's credentials are fake
            and its control routes unauthenticated, so it never listens elsewhere.
    """
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(f"the sandbox only serves on loopback addresses, not {host!r}")
    return str(address)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on a loopback ``host`` (``port=0`` picks a free port)."""
    address = loopback_address(host)
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
    """``http://host:port`` for a bound socket (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _uvicorn() -> Any:  # the module: imported only when serving
    try:
        import uvicorn  # noqa: PLC0415 - optional extra, needed only to serve
    except ImportError as exc:
        raise ImportError(EXTRA_HINT) from exc
    return uvicorn


def make_server(app: ASGIApp, **options: Any) -> uvicorn.Server:
    """A uvicorn server with no access log (request lines are nobody's business here)."""
    module = _uvicorn()
    settings: dict[str, Any] = {"access_log": False, "lifespan": "off", "ws": "none", **options}
    server: uvicorn.Server = module.Server(module.Config(app, **settings))
    return server


@contextmanager
def serve_in_thread(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` on loopback from a daemon thread with its own event loop.

    Yields:
        The base URL, e.g. ``http://127.0.0.1:54321``.

    Raises:
        RuntimeError: the server did not start within 10 seconds.
    """
    sock = bind(host, port)
    # log_config=None: leave the host process's logging configuration alone.
    server = make_server(app, log_config=None, timeout_graceful_shutdown=1)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="dancity-sandbox", daemon=True
    )
    thread.start()
    try:
        _wait_started(server, thread)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
