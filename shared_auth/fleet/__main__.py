"""``python -m shared_auth.fleet``: list or recover the intents dead workers left open.

    python -m shared_auth.fleet list sqlite:///var/lib/shop/journal.db
    DANCITY_API_KEY=… python -m shared_auth.fleet recover redis://localhost:6379/0

``recover`` settles Dancity purchases from Dancity's own record of their ``customerRef``
(it needs ``DANCITY_API_KEY``, and ``DANCITY_BASE_URL``/``DANCITY_VAS_PREFIX`` if you set
them for your workers; without a key Dancity intents are left as they are), and reports
dptcay intents that may have taken effect for a person to check: dptcay cannot be searched
by ``order_id``. It exits 1 when something needs review, so a cron job can alert.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import anyio

from shared_auth.fleet._journal import Journal, RecoveryReport, open_journal


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared_auth.fleet", description="Inspect or recover a purchase journal."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("list", "print the open intents"), ("recover", "settle abandoned intents")):
        command = commands.add_parser(name, help=text)
        command.add_argument("journal", help="sqlite:///path, a file path, or redis://host/db")
        if name == "recover":
            command.add_argument(
                "--grace", type=float, default=0.0, help="extra seconds past each claim's lease"
            )
    return parser


async def _dancity_reconcile(journal: Journal) -> tuple[Any, Any]:
    # The CLI is an application of both layers: it may load an SDK, the library never does.
    dancity: Any = importlib.import_module("dancity_sdk")
    client = dancity.AsyncDancityClient.from_env(journal=journal, throttle=True)
    return client, client._journal  # noqa: SLF001 - the client's own hook knows how to ask


async def _recover(target: str, grace: float) -> list[tuple[str, RecoveryReport]]:
    journal = open_journal(target)
    reports = [("dptcay", await journal.recover({}, grace=grace, only_api="dptcay"))]
    if os.environ.get("DANCITY_API_KEY"):
        client, hook = await _dancity_reconcile(journal)
        async with client:
            reports.append(("dancity", await hook.recover(grace=grace)))
    else:
        sys.stderr.write("DANCITY_API_KEY is not set: Dancity intents are left as they are\n")
    await journal.aclose()
    return reports


async def _list(target: str) -> int:
    journal = open_journal(target)
    intents = await journal.open_intents()
    for intent in intents:
        note = f" - {intent.note}" if intent.note else ""
        sys.stdout.write(f"{intent.api} {intent.reference} {intent.state} {intent.owner}{note}\n")
    sys.stdout.write(f"{len(intents)} open intents\n")
    await journal.aclose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit 1 when an intent needs a person's review."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        return anyio.run(_list, args.journal)
    reports = anyio.run(_recover, args.journal, args.grace)
    for api, report in reports:
        sys.stdout.write(f"{api}: {report}\n")
    return 1 if any(report.needs_review for _, report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
