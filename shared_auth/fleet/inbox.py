"""``python -m shared_auth.fleet.inbox``: create a webhook inbox, list parked events, requeue.

    python -m shared_auth.fleet.inbox init sqlite:///var/lib/shop/webhooks.db
    python -m shared_auth.fleet.inbox parked redis://localhost:6379/0
    python -m shared_auth.fleet.inbox requeue redis://localhost/0 <api>:transaction.success:T1
    python -m shared_auth.fleet.inbox counts sqlite:///var/lib/shop/webhooks.db

An inbox is created once (``init``); receivers and consumers then open it without
``create=True``, so a lost inbox is reported rather than silently recreated empty.
``parked`` exits 1 when any event is parked, so a cron job can alert.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

import anyio

from shared_auth._errors import SDKError
from shared_auth.fleet._inbox import Inbox, open_inbox
from shared_auth.fleet._inbox_model import Accepted

__all__ = ["main"]


class _Operator:
    """A source for operator commands: they read and move events, never receive any."""

    api = "operator"
    signature_errors: tuple[type[Exception], ...] = ()

    def accept(self, raw_body: bytes, headers: Mapping[str, str]) -> Accepted:
        del raw_body, headers
        msg = "the operator CLI does not receive deliveries"
        raise SDKError(msg)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared_auth.fleet.inbox", description="Create or inspect a webhook inbox."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("init", "create the inbox (once)"),
        ("parked", "list parked events with their errors"),
        ("counts", "count events by state"),
        ("requeue", "put a parked event back in line"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("inbox", help="sqlite:///path, a file path, or redis://host/db")
        command.add_argument("--prefix", default="sdk-inbox", help="the Redis key prefix")
        if name == "requeue":
            command.add_argument("key", help="the event's deduplication key")
    return parser


async def _command(inbox: Inbox, args: argparse.Namespace) -> int:
    out = sys.stdout.write
    if args.command == "init":
        out(f"webhook inbox ready: {inbox.store!r}\n")
        return 0
    if args.command == "counts":
        counts = await inbox.counts()
        out(" ".join(f"{state}={n}" for state, n in sorted(counts.items())) or "empty")
        out("\n")
        return 0
    if args.command == "requeue":
        done = await inbox.requeue(args.key)
        out(("requeued " if done else "not parked: ") + args.key + "\n")
        return 0 if done else 1
    parked = await inbox.parked()
    for event in parked:
        out(f"{event.key} {event.event} attempts={event.attempts} error={event.last_error}\n")
    out(f"{len(parked)} parked events\n")
    return 1 if parked else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 2 on a backend or configuration error."""
    args = _parser().parse_args(argv)
    try:
        inbox = open_inbox(
            args.inbox, _Operator(), create=args.command == "init", prefix=args.prefix
        )
        try:
            return anyio.run(_command, inbox, args)
        finally:
            inbox.store.close()
    except SDKError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
