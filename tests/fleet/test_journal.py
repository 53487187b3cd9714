"""The journal's rules, on a real SQLite file and a real Redis server, on asyncio and trio."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from shared_auth import BadRequestError, OutcomeUnknownError, RateLimitError
from shared_auth.fleet import (
    IntentConflictError,
    IntentInProgressError,
    IntentNeedsReviewError,
    Journal,
    fingerprint,
)
from shared_auth.fleet._intent import Change, decode_result, encode_result
from shared_auth.fleet._sqlite import SQLiteStore
from tests._json import at
from tests.fleet.conftest import make_journal

pytestmark = pytest.mark.anyio

ANSWER = {"success": True, "data": {"tranxId": "DNTY1", "amount": Decimal("100.50"), "n": 3}}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Sender:
    """A send() that counts its calls and answers (or fails) as told."""

    def __init__(self, answer: Any = ANSWER, error: Exception | None = None) -> None:
        self.calls = 0
        self.answer = answer
        self.error = error

    async def __call__(self) -> Any:
        self.calls += 1
        await anyio.lowlevel.checkpoint()
        if self.error is not None:
            raise self.error
        return self.answer


def _args(
    journal: Journal,
    sender: Sender,
    *,
    ref: str = "ref-1",
    fp: str = "fp",
    owner: str = "w1",
    reconcile: Any = None,
) -> dict[str, Any]:
    return {
        "key": f"dancity:/airtime/buy:{ref}",
        "api": "dancity",
        "reference": ref,
        "fingerprint": fp,
        "owner": owner,
        "send": sender,
        "reconcile": reconcile,
    }


async def test_a_settled_intent_is_answered_from_the_journal_and_never_sent_again(
    journal_target: str,
) -> None:
    journal = make_journal(journal_target)
    sender = Sender()
    first = await journal.run_once(**_args(journal, sender))
    second = await journal.run_once(**_args(journal, sender, owner="w2"))
    assert sender.calls == 1
    assert first == second == ANSWER
    assert second["data"]["amount"] == Decimal("100.50")
    record = await journal.get("dancity:/airtime/buy:ref-1")
    assert record is not None
    assert record.state == "settled"
    assert await journal.open_intents() == []
    await journal.aclose()


async def test_the_same_reference_with_other_parameters_is_refused_before_sending(
    journal_target: str,
) -> None:
    journal = make_journal(journal_target)
    sender = Sender()
    await journal.run_once(**_args(journal, sender, fp="a"))
    with pytest.raises(IntentConflictError, match="different parameters"):
        await journal.run_once(**_args(journal, sender, fp="b"))
    assert sender.calls == 1
    await journal.aclose()


async def test_a_live_claim_is_reported_not_sent_twice(journal_target: str) -> None:
    journal = make_journal(journal_target)
    entered = anyio.Event()
    release = anyio.Event()
    calls = 0

    async def slow_send() -> Any:
        nonlocal calls
        calls += 1
        entered.set()
        await release.wait()
        return ANSWER

    errors: list[Exception] = []
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: journal.run_once(**{**_args(journal, Sender()), "send": slow_send}))
        await entered.wait()
        try:
            await journal.run_once(**_args(journal, Sender(), owner="w2"))
        except IntentInProgressError as exc:
            errors.append(exc)
        release.set()
    assert calls == 1
    assert len(errors) == 1
    assert isinstance(errors[0], IntentInProgressError)
    assert 0 < errors[0].retry_after <= journal.lease
    await journal.aclose()


async def test_concurrent_claims_of_one_reference_send_exactly_once(journal_target: str) -> None:
    journal = make_journal(journal_target)
    sender = Sender()
    outcomes: list[str] = []

    async def attempt(i: int) -> None:
        try:
            await journal.run_once(**_args(journal, sender, owner=f"w{i}"))
            outcomes.append("answered")
        except IntentInProgressError:
            outcomes.append("in progress")

    async with anyio.create_task_group() as tg:
        for i in range(16):
            tg.start_soon(attempt, i)
    assert sender.calls == 1
    assert len(outcomes) == 16
    await journal.aclose()


@pytest.mark.parametrize(
    "error",
    [
        BadRequestError("400: Insufficient wallet balance", status_code=400),
        RateLimitError("429", status_code=429),
    ],
    ids=["refused", "rate-limited"],
)
async def test_a_definite_refusal_releases_the_claim_so_a_retry_sends(
    journal_target: str, error: Exception
) -> None:
    journal = make_journal(journal_target)
    with pytest.raises(type(error)):
        await journal.run_once(**_args(journal, Sender(error=error)))
    assert await journal.get("dancity:/airtime/buy:ref-1") is None
    sender = Sender()
    assert await journal.run_once(**_args(journal, sender)) == ANSWER
    assert sender.calls == 1
    await journal.aclose()


async def test_a_lost_answer_is_reconciled_on_retry_instead_of_resent(journal_target: str) -> None:
    journal = make_journal(journal_target)
    lost = OutcomeUnknownError("read timeout", reference="ref-1")
    with pytest.raises(OutcomeUnknownError):
        await journal.run_once(**_args(journal, Sender(error=lost)))
    record = await journal.get("dancity:/airtime/buy:ref-1")
    assert record is not None
    assert record.state == "unknown"
    assert "read timeout" in (record.note or "")
    asked: list[str] = []

    async def requery(reference: str) -> Any:
        asked.append(reference)
        return ANSWER

    sender = Sender()
    assert await journal.run_once(**_args(journal, sender, owner="w2", reconcile=requery)) == ANSWER
    assert sender.calls == 0
    assert asked == ["ref-1"]
    settled = await journal.get("dancity:/airtime/buy:ref-1")
    assert settled is not None
    assert settled.state == "settled"
    await journal.aclose()


async def test_a_lost_answer_without_a_way_to_ask_the_api_needs_review(journal_target: str) -> None:
    journal = make_journal(journal_target)
    with pytest.raises(OutcomeUnknownError):
        await journal.run_once(**_args(journal, Sender(error=OutcomeUnknownError("reset"))))
    sender = Sender()
    with pytest.raises(IntentNeedsReviewError, match="cannot be searched"):
        await journal.run_once(**_args(journal, sender, owner="w2"))
    assert sender.calls == 0
    await journal.aclose()


async def test_a_dead_workers_unsent_claim_is_taken_over_and_sent(journal_target: str) -> None:
    clock = Clock()
    journal = make_journal(journal_target, lease=5.0, clock=clock)
    store = journal.store
    # A worker claimed and died before marking it sent.
    from shared_auth.fleet import Intent  # noqa: PLC0415

    dead = Intent(
        key="dancity:/airtime/buy:ref-1",
        api="dancity",
        reference="ref-1",
        fingerprint="fp",
        state="claimed",
        owner="dead",
        lease_until=clock.now + 5,
        created_at=clock.now,
        updated_at=clock.now,
    )
    assert store.claim(dead) is None
    sender = Sender()
    with pytest.raises(IntentInProgressError):
        await journal.run_once(**_args(journal, sender))
    clock.now += 6
    assert await journal.run_once(**_args(journal, sender)) == ANSWER
    assert sender.calls == 1
    await journal.aclose()


async def test_a_dead_workers_sent_claim_is_requeried_then_sent_only_if_the_api_never_saw_it(
    journal_target: str,
) -> None:
    clock = Clock()
    journal = make_journal(journal_target, lease=5.0, clock=clock)
    from shared_auth.fleet import Intent  # noqa: PLC0415

    for ref in ("seen", "unseen"):
        intent = Intent(
            key=f"dancity:/airtime/buy:{ref}",
            api="dancity",
            reference=ref,
            fingerprint="fp",
            state="claimed",
            owner="dead",
            lease_until=clock.now + 5,
            created_at=clock.now,
            updated_at=clock.now,
        )
        journal.store.claim(intent)
        journal.store.update(intent.key, "dead", Change(state="sent", now=clock.now))
    clock.now += 6

    async def requery(reference: str) -> Any:
        return ANSWER if reference == "seen" else None

    sender = Sender()
    assert await journal.run_once(**_args(journal, sender, ref="seen", reconcile=requery)) == ANSWER
    assert sender.calls == 0
    assert (
        await journal.run_once(**_args(journal, sender, ref="unseen", reconcile=requery)) == ANSWER
    )
    assert sender.calls == 1
    await journal.aclose()


async def test_recover_settles_releases_and_reports(journal_target: str) -> None:
    clock = Clock()
    journal = make_journal(journal_target, lease=5.0, clock=clock)
    from shared_auth.fleet import Intent  # noqa: PLC0415

    def leave(api: str, ref: str, state: str) -> None:
        intent = Intent(
            key=f"{api}:op:{ref}",
            api=api,
            reference=ref,
            fingerprint="fp",
            state="claimed",
            owner="dead",
            lease_until=clock.now + 5,
            created_at=clock.now,
            updated_at=clock.now,
        )
        journal.store.claim(intent)
        if state != "claimed":
            journal.store.update(intent.key, "dead", Change(state=state, now=clock.now))

    leave("dancity", "charged", "sent")
    leave("dancity", "never-arrived", "unknown")
    leave("dancity", "never-sent", "claimed")
    leave("dptcay", "order-1", "sent")
    leave("dptcay", "order-2", "claimed")
    clock.now += 2
    leave("dancity", "live", "sent")
    early = await journal.recover({})
    assert len(early.in_progress) == 6
    clock.now += 4

    async def requery(reference: str) -> Any:
        return ANSWER if reference == "charged" else None

    report = await journal.recover({"dancity": requery})
    assert sorted(i.reference for i in report.settled) == ["charged"]
    assert sorted(i.reference for i in report.released) == [
        "never-arrived",
        "never-sent",
        "order-2",
    ]
    assert [i.reference for i in report.needs_review] == ["order-1"]
    assert [i.reference for i in report.in_progress] == ["live"]
    assert "needs review: dptcay 'order-1'" in str(report)
    left = {i.reference: i.state for i in await journal.open_intents()}
    assert left == {"order-1": "unknown", "live": "sent"}
    settled = await journal.get("dancity:op:charged")
    assert settled is not None
    assert settled.result == ANSWER
    await journal.aclose()


async def test_settled_records_expire_and_the_reference_can_be_used_again(
    journal_target: str, journal_backend: str
) -> None:
    clock = Clock()
    journal = make_journal(journal_target, settled_ttl=60.0, clock=clock)
    await journal.run_once(**_args(journal, Sender()))
    if journal_backend == "redis":
        import redis  # noqa: PLC0415

        ttl: int = redis.Redis.from_url(journal_target).ttl(  # type: ignore[assignment]
            "sdk-journal:intent:dancity:/airtime/buy:ref-1"
        )
        assert 0 < ttl <= 60
        return
    clock.now += 61
    sender = Sender()
    await journal.run_once(**_args(journal, sender, fp="new"))
    assert sender.calls == 1
    await journal.aclose()


def test_fingerprints_leave_secrets_out_and_see_every_other_parameter() -> None:
    body = {"phone": "08031234567", "amount": 100, "customerRef": "r", "pin": "1234"}
    assert fingerprint("POST", "/airtime/buy", body) == fingerprint(
        "POST", "/airtime/buy", {**body, "pin": "9999"}
    )
    assert fingerprint("POST", "/airtime/buy", body) != fingerprint(
        "POST", "/airtime/buy", {**body, "amount": 101}
    )
    assert fingerprint("POST", "/airtime/buy", body) != fingerprint("POST", "/data/buy", body)
    assert "1234" not in repr(fingerprint("POST", "/x", body))


def test_answers_keep_exact_decimals() -> None:
    data = {
        "a": Decimal("0.1000"),
        "b": [Decimal("1E+2"), 3, None, True, "x\u00e9"],
        "c": Decimal("NaN"),
    }
    back = decode_result(encode_result(data))
    assert at(back, "a") == Decimal("0.1000")
    assert str(at(back, "a")) == "0.1000"
    assert at(back, "b") == [Decimal(100), 3, None, True, "x\u00e9"]
    assert at(back, "c") == "NaN"


def test_a_sqlite_journal_can_sync_every_write(tmp_path: Path) -> None:
    journal = Journal.sqlite(tmp_path / "j.db", synchronous="FULL", create=True)
    store = journal.store
    assert isinstance(store, SQLiteStore)
    assert store._connection().execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert store._connection().execute("PRAGMA journal_mode").fetchone() == ("wal",)
    store.close()
