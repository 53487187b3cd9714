"""``python -m dancity_sdk.testing``: serve a Dancity sandbox on loopback and print its credentials.

The printed key, JWT and webhook secret are the sandbox's own fake credentials; printing them
is the point (export them and point a client at the URL). Non-loopback hosts are refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import httpx

from dancity_sdk.testing._generations import API_VERSIONS
from dancity_sdk.testing._sandbox import DancitySandbox
from dancity_sdk.testing._server import bind, loopback_address, make_server, url_of
from dancity_sdk.testing._services import SANDBOX_INTERNET_PIN, SANDBOX_PIN
from shared_auth._sandbox import loopback_parser

_DAY = 24 * 3600.0


def _parser() -> argparse.ArgumentParser:
    parser = loopback_parser(
        "python -m dancity_sdk.testing",
        "Serve a stateful Dancity API sandbox on a loopback address.",
        port=8766,
    )
    parser.add_argument("--webhook-url", default=None, help="POST signed webhooks to this URL")
    parser.add_argument(
        "--api-version",
        choices=API_VERSIONS,
        default=None,
        help="the generation to speak on its prefix (default: /api/external/v1 speaks "
        "2026-04-27, /api/v1 speaks 2026-05-31)",
    )
    return parser


def _banner(sandbox: DancitySandbox, url: str) -> str:
    lines = (
        f"# Dancity sandbox on {url}: fake credentials, loopback only. Paste these lines:",
        f"export DANCITY_BASE_URL={url}",
        f"export DANCITY_API_KEY={sandbox.api_key}",
        f"export DANCITY_JWT={sandbox.issue_jwt(ttl=_DAY)}",
        f"export DANCITY_WALLET_ID={sandbox.wallet_id}",
        f"export DANCITY_WEBHOOK_SECRET={sandbox.webhook_secret}",
        f"export DANCITY_PIN={SANDBOX_PIN}  # transaction PIN (internet: {SANDBOX_INTERNET_PIN})",
        *(f"# {prefix} speaks api_version {v}" for prefix, v in sandbox.generations.items()),
        "# Press Ctrl+C to stop.",
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, print the credentials, serve until interrupted."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        loopback_address(args.host)
    except ValueError as exc:
        parser.error(str(exc))
    transport = httpx.AsyncHTTPTransport() if args.webhook_url else None
    sandbox = DancitySandbox(
        api_version=args.api_version, webhook_url=args.webhook_url, webhook_transport=transport
    )
    sock = bind(args.host, args.port)
    sys.stdout.write(_banner(sandbox, url_of(sock)))
    sys.stdout.flush()
    make_server(sandbox.app, log_level="info").run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
