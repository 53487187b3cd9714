"""Recovery: settling or releasing the intents that dead workers left open."""

# ruff: noqa: SLF001 - part of the journal: it uses the journal's bounded calls

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs

from shared_auth.fleet._intent import Change, Intent, IntentNeedsReviewError, new_owner

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shared_auth.fleet._store import Store

__all__ = ["Reconciler", "RecoveryReport", "needs_review", "recover_intents"]

_T = TypeVar("_T")

#: ``async (reference) -> the API's record of it (decoded JSON), or None if it has none``.
Reconciler = Callable[[str], Awaitable[object]]


class Journal(Protocol):
    """What recovery uses of `shared_auth.fleet.Journal` (this module sits below it)."""

    store: Store
    lease: float
    _clock: Callable[[], float]

    async def _run(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T: ...

    async def open_intents(self) -> list[Intent]: ...

    def settle_sync(self, key: str, owner: str, answer: object) -> bool: ...


@attrs.frozen(kw_only=True)
class RecoveryReport:
    """What `Journal.recover` found and did.

    Attributes:
        settled: Intents the API had a record of: settled with it, never sent again.
        released: Intents the API has no record of (never sent, or never arrived): their
            claims were dropped, so the job can run again.
        needs_review: Intents that may have taken effect on an API that cannot be asked
            (one without a lookup by reference): a person must check them.
        in_progress: Intents whose holder's lease has not run out (a live worker).
    """

    settled: tuple[Intent, ...] = ()
    released: tuple[Intent, ...] = ()
    needs_review: tuple[Intent, ...] = ()
    in_progress: tuple[Intent, ...] = ()

    def __str__(self) -> str:
        summary = (
            f"settled {len(self.settled)}, released {len(self.released)}, "
            f"needs review {len(self.needs_review)}, in progress {len(self.in_progress)}"
        )
        lines = [summary]
        lines.extend(
            f"  needs review: {i.api} {i.reference!r} ({i.state}"
            + (f": {i.note}" if i.note else "")
            + ")"
            for i in self.needs_review
        )
        return "\n".join(lines)


async def recover_intents(
    journal: Journal,
    reconcilers: Mapping[str, Reconciler],
    *,
    grace: float,
    only_api: str | None,
) -> RecoveryReport:
    """What `Journal.recover` does (see there)."""
    owner = new_owner()
    now = journal._clock()
    await journal._run(journal.store.purge, now)
    report: dict[str, list[Intent]] = {
        "settled": [],
        "released": [],
        "needs_review": [],
        "in_progress": [],
    }
    for intent in await journal.open_intents():
        if only_api is not None and intent.api != only_api:
            continue
        if now < intent.lease_until + grace:
            report["in_progress"].append(intent)
            continue
        outcome = await _recover_one(journal, intent, owner, reconcilers.get(intent.api), now)
        report[outcome].append(intent)
    return RecoveryReport(**{name: tuple(items) for name, items in report.items()})


async def _recover_one(
    journal: Journal, intent: Intent, owner: str, reconcile: Reconciler | None, now: float
) -> str:
    if not await journal._run(
        journal.store.take_over, intent.key, intent.owner, owner, now + journal.lease, now
    ):
        return "in_progress"  # someone else is on it
    if intent.state == "claimed":
        await journal._run(journal.store.release, intent.key, owner)
        return "released"
    if reconcile is None:
        note = "may have taken effect; the API cannot be searched by this reference"
        change = Change(state="unknown", now=now, note=note)
        await journal._run(journal.store.update, intent.key, owner, change)
        return "needs_review"
    found = await reconcile(intent.reference)
    if found is None:
        await journal._run(journal.store.release, intent.key, owner)
        return "released"
    await journal._run(journal.settle_sync, intent.key, owner, found)
    return "settled"


def needs_review(intent: Intent) -> IntentNeedsReviewError:
    msg = (
        f"{intent.reference!r} was sent by a worker that did not record the answer, and this "
        "API cannot be searched by that reference: check the dashboard and webhook "
        "deliveries before sending it again; nothing was sent"
    )
    return IntentNeedsReviewError(msg, reference=intent.reference)
