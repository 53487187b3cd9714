"""The fault table in the suite, on one scenario (CI runs every one: ``nox -s fleet_faults``)."""

from __future__ import annotations

import pytest

from tests.fleet.faults import main


@pytest.mark.timeout(300)
def test_a_budget_outage_row_meets_every_goal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--scenario", "rate-budget outage", "--backend", "trio", "--orders", "4"]) == 0
    out = capsys.readouterr().out
    assert "rate-budget outage, LocalFallback(4)  trio" in out
    assert "RateBudgetUnavailableError 2" in out  # orders 2 and 3 refused while Redis is down
    assert "every goal met" in out
