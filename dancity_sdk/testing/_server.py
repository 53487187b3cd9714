"""Serving the sandbox with uvicorn on loopback only: in a background thread, or from the CLI.

The loopback-only socket, the quiet uvicorn server and the thread are the shared kit's
(``shared_auth._sandbox``); this module adds Dancity's settings and install hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from shared_auth import _sandbox as kit
from shared_auth._sandbox import bind, url_of

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

__all__ = ["EXTRA_HINT", "bind", "loopback_address", "make_server", "serve_in_thread", "url_of"]

EXTRA_HINT: Final = (
    "dancity_sdk.testing needs the 'sandbox' extra: pip install 'dptcay-dancity-sdk[sandbox]'"
)


def loopback_address(host: str) -> str:
    """Return ``host`` as a loopback IP literal (``localhost`` → ``127.0.0.1``).

    Raises:
        ValueError: ``host`` is not a loopback address: the sandbox's credentials are fake
            and its control routes unauthenticated, so it never listens elsewhere.
    """
    return kit.check_loopback(host)


def make_server(app: ASGIApp, **options: Any) -> uvicorn.Server:
    """A uvicorn server with no access log (request lines are nobody's business here)."""
    return kit.make_server(app, missing_extra=EXTRA_HINT, **options)


@contextmanager
def serve_in_thread(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` on loopback from a daemon thread with its own event loop.

    Yields:
        The base URL, e.g. ``http://127.0.0.1:54321``.

    Raises:
        ValueError: ``host`` is not a loopback address.
        RuntimeError: the server did not start within 10 seconds.
    """
    # log_config=None (the kit's default): leave the host process's logging alone.
    with kit.serve_in_thread(
        app,
        host=host,
        port=port,
        name="dancity-sandbox",
        missing_extra=EXTRA_HINT,
        timeout_graceful_shutdown=1,
    ) as url:
        yield url
