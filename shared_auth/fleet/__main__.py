"""``python -m shared_auth.fleet``: create, check, list or recover a purchase journal.

    python -m shared_auth.fleet init sqlite:///var/lib/shop/journal.db
    python -m shared_auth.fleet check redis://localhost:6379/0
    python -m shared_auth.fleet list sqlite:///var/lib/shop/journal.db
    python -m shared_auth.fleet recover redis://localhost:6379/0
    python -m shared_auth.fleet acknowledge-loss sqlite:///var/lib/shop/journal.db

``init`` creates the journal (a journal that exists is left as it is; one written by an
earlier version is adopted and its keys migrated). ``acknowledge-loss`` tells every worker
that a lost journal was reconciled from the API's transaction list: it writes a fresh
identity (creating the store if it is gone), and workers take purchases again. A journal
error exits 2 with its message.

``recover`` hands each API's intents to the recoverer its SDK registers: an entry point in
the ``shared_auth.fleet.recovery`` group (name: the journal's API name; value: an
``async (journal, grace) -> RecoveryReport | None``), or [`register_recoverer`][] from an
application that calls [`main`][] itself. A recoverer settles what its API can look up
and reports the rest for a person to check; it returns ``None`` when it is not configured
here (it says why on stderr), and that API's intents are left as they are. Each SDK's
recoverer documents the environment it reads. ``recover`` exits 1 when something needs
review, so a cron job can alert.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

import anyio

from shared_auth._errors import JournalError
from shared_auth.fleet._journal import Journal, RecoveryReport, open_journal

__all__ = ["RECOVERY_GROUP", "Recoverer", "main", "recoverers", "register_recoverer"]

#: Settle one API's abandoned intents: ``await recoverer(journal, grace)`` returns its report,
#: or ``None`` when the recoverer is not configured here (having said why on stderr).
Recoverer = Callable[[Journal, float], Awaitable[RecoveryReport | None]]

#: The entry point group each SDK registers its recoverer in, named by its journal API name.
RECOVERY_GROUP: Final = "shared_auth.fleet.recovery"

_REGISTERED: dict[str, Recoverer] = {}


def register_recoverer(api: str, recoverer: Recoverer) -> None:
    """Use ``recoverer`` for ``api``'s intents (before any entry point of the same name)."""
    _REGISTERED[api] = recoverer


def recoverers() -> dict[str, Recoverer]:
    """The registered recoverers, then those the installed packages' entry points declare."""
    found = dict(_REGISTERED)
    for entry in importlib.metadata.entry_points(group=RECOVERY_GROUP):
        if entry.name not in found:
            found[entry.name] = entry.load()
    return found


_COMMANDS = (
    ("init", "create the journal (an existing one is left as it is)"),
    ("check", "check that the journal exists and can be reached"),
    ("list", "print the open intents"),
    ("recover", "settle abandoned intents"),
    ("acknowledge-loss", "after reconciling, let workers use a lost journal's replacement"),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared_auth.fleet", description="Inspect or recover a purchase journal."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in _COMMANDS:
        command = commands.add_parser(name, help=text)
        command.add_argument("journal", help="sqlite:///path, a file path, or redis://host/db")
        command.add_argument(
            "--allow-volatile",
            action="store_true",
            help="accept a Redis without persistence (a restart empties the journal)",
        )
        if name == "recover":
            command.add_argument(
                "--grace", type=float, default=0.0, help="extra seconds past each claim's lease"
            )
    return parser


async def _recover(
    target: str, grace: float, allow_volatile: bool
) -> list[tuple[str, RecoveryReport]]:
    journal = open_journal(target, allow_volatile=allow_volatile)
    reports: list[tuple[str, RecoveryReport]] = []
    try:
        for api, recoverer in recoverers().items():
            report = await recoverer(journal, grace)
            if report is not None:
                reports.append((api, report))
    finally:
        await journal.aclose()
    return reports


async def _list(journal: Journal) -> str:
    intents = await journal.open_intents()
    lines = [
        f"{i.api} {i.reference} {i.state} {i.owner}{f' - {i.note}' if i.note else ''}\n"
        for i in intents
    ]
    return "".join(lines) + f"{len(intents)} open intents\n"


async def _init(journal: Journal) -> str:
    identity, created = await journal._run(journal.store.create)  # noqa: SLF001
    verb = "created" if created else "already exists:"
    return f"journal {journal.where} {verb} identity {identity.id}\n"


async def _check(journal: Journal) -> str:
    return f"journal {journal.where} ok: identity {await journal.check()}\n"


async def _acknowledge(journal: Journal) -> str:
    identity = await journal.acknowledge_loss()
    return (
        f"journal {journal.where}: loss acknowledged, new identity {identity}; running "
        "workers take purchases again\n"
    )


async def _simple(
    command: Callable[[Journal], Awaitable[str]], target: str, allow_volatile: bool
) -> int:
    """Open the journal, run ``command`` on it, print what it says, close the journal."""
    journal = open_journal(target, allow_volatile=allow_volatile)
    try:
        sys.stdout.write(await command(journal))
    finally:
        await journal.aclose()
    return 0


_SIMPLE = {"init": _init, "check": _check, "list": _list, "acknowledge-loss": _acknowledge}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit 1 when an intent needs a person's review, 2 on a journal error."""
    args = _parser().parse_args(argv)
    try:
        if args.command in _SIMPLE:
            return anyio.run(_simple, _SIMPLE[args.command], args.journal, args.allow_volatile)
        reports = anyio.run(_recover, args.journal, args.grace, args.allow_volatile)
    except JournalError as exc:
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 2
    for api, report in reports:
        sys.stdout.write(f"{api}: {report}\n")
    return 1 if any(report.needs_review for _, report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
