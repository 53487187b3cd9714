"""Exactly-once purchases while real worker processes are SIGKILLed at random moments.

``FLEET_CRASH_INTENTS`` sets the intents per backend: the default keeps the suite quick;
the full soak (``python -m nox -s fleet_soak``, and CI) runs 1,000 per backend.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fleet.crash import run_crash_test

INTENTS = int(os.environ.get("FLEET_CRASH_INTENTS", "100"))


@pytest.mark.timeout(1800)
def test_killed_workers_never_charge_twice_nor_lose_an_intent(
    journal_target: str, journal_backend: str, tmp_path: Path
) -> None:
    result = run_crash_test(journal=journal_target, count=INTENTS, log_dir=tmp_path)
    print(  # noqa: T201 - the figures the soak reports
        f"\n{journal_backend}: {result.intents} intents, {result.duplicates} charged twice, "
        f"{result.lost} lost; {result.kills} workers killed ({result.stall_kills} between "
        f"send and answer), faults {dict(result.faults)}, {result.abandoned} jobs abandoned; "
        f"recover(): {result.report}"
    )
    assert result.errors == []
    assert result.problems == []
    assert result.duplicates == 0
    assert result.lost == 0
    # The run did what it claims: kills, kills mid-purchase, abandoned jobs recovered.
    assert result.kills >= INTENTS // 20
    assert result.stall_kills >= 1
    assert result.abandoned >= 1
    # An abandoned job killed before its claim left nothing to recover; the rest are found.
    assert 1 <= len(result.report.settled) + len(result.report.released) <= result.abandoned
    assert result.report.needs_review == ()
    assert result.report.in_progress == ()
