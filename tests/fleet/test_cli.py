"""``python -m shared_auth.fleet``: a real process against a journal and a served sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from dancity_sdk.testing import DancitySandbox
from shared_auth.fleet import Intent, open_journal


def _abandon(target: str, api: str, path: str, ref: str) -> None:
    store = open_journal(target).store
    now = time.time() - 3600  # claimed an hour ago by a worker that is gone
    intent = Intent(
        key=f"{api}:POST {path}:{ref}",
        api=api,
        reference=ref,
        fingerprint="fp",
        state="claimed",
        owner="dead-worker",
        lease_until=now + 180,
        created_at=now,
        updated_at=now,
    )
    assert store.claim(intent) is None
    store.update(intent.key, "dead-worker", state="sent", now=now)


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own module and interpreter
        [sys.executable, "-m", "shared_auth.fleet", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **env},
        timeout=60,
        check=False,
    )


def test_recover_settles_dancity_from_its_record_and_reports_dptcay(tmp_path: Path) -> None:
    sandbox = DancitySandbox(seed=3)
    target = f"sqlite:///{tmp_path / 'journal.db'}"
    with sandbox.serve_in_thread() as url:
        # A purchase that reached Dancity, whose worker died before recording the answer.
        import anyio  # noqa: PLC0415

        from dancity_sdk import AsyncDancityClient  # noqa: PLC0415

        async def buy() -> str:
            async with AsyncDancityClient(sandbox.api_key, base_url=url) as client:
                tx = await client.vas.airtime.buy(
                    product="MTN Airtime",
                    phone="08031234567",
                    amount=Decimal(100),
                    customer_ref="charged-1",
                )
                return str(tx.tranx_id)

        tranx_id = anyio.run(buy)
        _abandon(target, "dancity", "/airtime/buy", "charged-1")
        _abandon(target, "dancity", "/airtime/buy", "never-arrived")
        _abandon(target, "dptcay", "/payments/create", "ord-9")
        listed = _run("list", target, env={})
        env = {"DANCITY_API_KEY": sandbox.api_key, "DANCITY_BASE_URL": url}
        recovered = _run("recover", target, env=env)
    assert listed.returncode == 0
    assert "3 open intents" in listed.stdout
    assert recovered.returncode == 1, recovered.stderr
    assert "dptcay: settled 0, released 0, needs review 1" in recovered.stdout
    assert "needs review: dptcay 'ord-9'" in recovered.stdout
    assert "dancity: settled 1, released 1, needs review 0" in recovered.stdout
    assert sandbox.api_key not in recovered.stdout + recovered.stderr
    journal = open_journal(target)
    settled = journal.store.get("dancity:POST /airtime/buy:charged-1")
    assert settled is not None
    assert settled.result["data"]["tranxId"] == tranx_id
    assert journal.store.get("dancity:POST /airtime/buy:never-arrived") is None
    assert [i.reference for i in journal.store.open_intents()] == ["ord-9"]
    assert len(sandbox.transactions) == 1


def test_recover_without_a_dancity_key_leaves_dancity_intents_alone(tmp_path: Path) -> None:
    target = str(tmp_path / "journal.db")
    _abandon(target, "dancity", "/airtime/buy", "charged-2")
    env = {"DANCITY_API_KEY": ""}
    recovered = _run("recover", target, env=env)
    assert recovered.returncode == 0
    assert "DANCITY_API_KEY is not set" in recovered.stderr
    assert [i.state for i in open_journal(target).store.open_intents()] == ["sent"]
