"""Serve a dptcay sandbox on loopback: ``python -m dptcay_sdk.testing --port 8765``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dptcay_sdk.testing._ratelimit import RATE_PLANS, RatePlan
from dptcay_sdk.testing._sandbox import DptcaySandbox
from dptcay_sdk.testing._server import base_url_of, bind, make_server
from shared_auth._sandbox import loopback_parser


def _parser() -> argparse.ArgumentParser:
    parser = loopback_parser(
        "python -m dptcay_sdk.testing",
        "Serve a stateful fake of the dptcay API on a loopback address.",
        port=8765,
    )
    parser.add_argument("--plan", choices=list(RATE_PLANS), default="starter")
    parser.add_argument("--limit", type=int, help="custom requests per window (overrides --plan)")
    parser.add_argument("--window", type=float, help="custom window in seconds (with --limit)")
    return parser


def _plan(args: argparse.Namespace, parser: argparse.ArgumentParser) -> RatePlan:
    if args.limit is None:
        if args.window is not None:
            parser.error("--window needs --limit")
        return RATE_PLANS[args.plan]
    try:
        window = 60.0 if args.window is None else args.window
        return RatePlan(args.limit, window, name="custom")
    except ValueError as exc:
        parser.error(str(exc))


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, print the seeded keys and base URL, then serve."""
    parser = _parser()
    args = parser.parse_args(argv)
    plan = _plan(args, parser)
    try:
        sock = bind(args.host, args.port)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    sandbox = DptcaySandbox(plan=plan)
    # These are sandbox-only test keys; printing them is the point of this command.
    sys.stdout.write(
        f"# dptcay sandbox ({plan.name} plan: {plan.limit} requests / {plan.window:g} s per "
        "key): fake credentials, loopback only. Paste the lines below into your shell.\n"
        f"export DPTCAY_BASE_URL={base_url_of(sock)}\n"
        f"export DPTCAY_API_KEY={sandbox.write_key}  # write key\n"
        f"export DPTCAY_READ_KEY={sandbox.read_key}  # read-only key\n"
        "# Press Ctrl+C to stop.\n"
    )
    sys.stdout.flush()
    make_server(sandbox.app, quiet=False).run(sockets=[sock])


if __name__ == "__main__":
    main()
