"""``python -m dancity_sdk.testing``: serve a Dancity sandbox on loopback and print its credentials.

The printed key, JWT and webhook secret are the sandbox's own fake credentials; printing them
is the point (export them and point a client at the URL). Non-loopback hosts are refused.

The exports serve one generation, named by ``DANCITY_API_VERSION`` (``--api-version``, or
the client's default): ``DANCITY_PIN`` is printed only when that generation's declarations
take a transaction PIN.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import httpx

from dancity_sdk import _spec
from dancity_sdk.testing._generations import API_VERSIONS, DEFAULT_GENERATIONS
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
        help="the generation to speak on its prefix and to export as DANCITY_API_VERSION "
        f"(default: {_defaults()}; exports {_spec.DEFAULT_API_VERSION}, the client's default)",
    )
    return parser


def _defaults() -> str:
    return ", ".join(f"{prefix} speaks {v}" for prefix, v in DEFAULT_GENERATIONS.items())


def _pin_lines(generation: _spec.Generation) -> tuple[str, ...]:
    """The ``DANCITY_PIN`` export, if ``generation`` declares a PIN on any operation."""
    lengths = {name: field.min_length for name, field in generation.declaring("pin").items()}
    if not lengths:
        return ()
    others = sorted(name for name, length in lengths.items() if length == len(SANDBOX_INTERNET_PIN))
    note = f" ({', '.join(others)}: {SANDBOX_INTERNET_PIN})" if others else ""
    return (f"export DANCITY_PIN={SANDBOX_PIN}  # the transaction PIN{note}",)


def _banner(sandbox: DancitySandbox, url: str, api_version: str) -> str:
    generation = _spec.GENERATIONS[api_version]
    pin = _pin_lines(generation)
    takes = "takes a transaction PIN" if pin else "takes no transaction PIN"
    lines = (
        f"# Dancity sandbox on {url}: fake credentials, loopback only. Paste these lines:",
        f"# They serve api_version {api_version} ({generation.prefix}), which {takes}.",
        f"export DANCITY_BASE_URL={url}",
        f"export DANCITY_API_VERSION={api_version}",
        f"export DANCITY_API_KEY={sandbox.api_key}",
        f"export DANCITY_JWT={sandbox.issue_jwt(ttl=_DAY)}",
        f"export DANCITY_WALLET_ID={sandbox.wallet_id}",
        f"export DANCITY_WEBHOOK_SECRET={sandbox.webhook_secret}",
        *pin,
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
    api_version = args.api_version or _spec.DEFAULT_API_VERSION
    sys.stdout.write(_banner(sandbox, url_of(sock), api_version))
    sys.stdout.flush()
    make_server(sandbox.app, log_level="info").run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
