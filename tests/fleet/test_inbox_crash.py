"""Webhooks acted on once while receiver and consumer processes are SIGKILLed at random.

A short run per backend (``INBOX_CRASH_EVENTS``, default 100); ``python -m nox -s
inbox_crash`` (and CI) runs 1,000 events per backend and prints the goals table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fleet.inbox_crash import print_table, run_inbox_crash

pytestmark = pytest.mark.anyio
EVENTS = int(os.environ.get("INBOX_CRASH_EVENTS", "100"))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the supervisor; its consumers run on asyncio and on trio


@pytest.mark.timeout(600)
async def test_killed_receivers_and_consumers_act_on_each_event_once(
    journal_target: str, journal_backend: str, tmp_path: Path
) -> None:
    outcome = await run_inbox_crash(
        journal_target, backend=journal_backend, events=EVENTS, log_dir=tmp_path, send_seconds=4.0
    )
    print_table([outcome])
    assert outcome.twice == []
    assert outcome.lost == []
    assert outcome.undelivered == []
    assert set(outcome.parked) == outcome.poison
    assert outcome.disorder == []
    assert outcome.stored == EVENTS
    assert all(met for _, _, met in outcome.goals()), outcome.goals()
