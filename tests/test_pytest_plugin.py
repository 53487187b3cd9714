"""The pytest plugin, used the way a user's test suite uses it (pytester)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "shared_auth.pytest_plugin"

USER_TESTS = """
from decimal import Decimal

import pytest

from dancity_sdk import APIStatusError, OutcomeUnknownError
from dptcay_sdk import APITimeoutError, PaymentStatus


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param


@pytest.mark.anyio
async def test_checkout_marks_the_order_paid(dptcay_client, dptcay_sandbox):
    payment = await dptcay_client.payments.create(
        amount=Decimal("12.5"), currency="USDC", order_id="order-1"
    )
    dptcay_sandbox.transition_payment(payment.id, "completed")
    assert (await dptcay_client.payments.get(payment.id)).status is PaymentStatus.COMPLETED


@pytest.mark.anyio
async def test_a_dropped_create_is_an_unknown_outcome(dptcay_client, dptcay_faults):
    dptcay_faults.drop_next(method="POST", path="/payments")
    with pytest.raises(OutcomeUnknownError) as caught:
        await dptcay_client.payments.create(amount=Decimal(5), currency="USDC", order_id="o-2")
    assert caught.value.reference == "o-2"


@pytest.mark.anyio
async def test_a_dancity_outage(dancity_client, dancity_faults):
    dancity_faults.fail_next(503)
    dancity_faults.fail_next(503)
    dancity_faults.fail_next(503)
    with pytest.raises(APIStatusError) as caught:
        await dancity_client.vas.wallet.balances()
    assert caught.value.status_code == 503


@pytest.mark.anyio
async def test_dancity_purchase_and_app_wallet(dancity_client, dancity_sandbox):
    tx = await dancity_client.vas.airtime.buy(
        product="MTN Airtime", phone="08012345678", amount=Decimal(200)
    )
    assert tx.succeeded
    wallet = await dancity_client.app.wallet.get(dancity_sandbox.wallet_id)
    assert wallet.balance == dancity_sandbox.balance("main")


def test_sync_clients_with_a_slow_sandbox(dptcay_sync_client, dptcay_faults, dancity_sync_client):
    assert len(dancity_sync_client.vas.wallet.balances()) > 0
    dptcay_faults.delay_next(5.0, method="GET", path="/currencies")
    with pytest.raises(APITimeoutError):
        dptcay_sync_client.with_options(timeout=0.2, max_retries=0).currencies.list()
"""


def _plugin_args() -> list[str]:
    """``-p`` the plugin unless the installed distribution already registers it."""
    registered = any(ep.value == PLUGIN for ep in importlib.metadata.entry_points(group="pytest11"))
    return [] if registered else ["-p", PLUGIN]


def test_the_fixtures_work_in_a_user_s_test_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(*_plugin_args(), "-p", "anyio", "-q")
    result.assert_outcomes(passed=9)  # 4 async tests on asyncio and trio, 1 sync


def _import_plugin(prelude: str) -> str:
    code = (
        f"import sys\n{prelude}\n"
        f"import {PLUGIN} as plugin\n"
        "heavy = ('starlette', 'uvicorn', 'dptcay_sdk', 'dancity_sdk', 'shared_auth.testing')\n"
        "print(sorted(m for m in heavy if sys.modules.get(m) is not None), "
        "plugin.SANDBOX_INSTALLED, hasattr(plugin, 'dptcay_client'))\n"
    )
    return subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()


def test_the_plugin_imports_nothing_heavy() -> None:
    assert _import_plugin("") == "[] True True"


def test_without_the_sandbox_extra_the_plugin_defines_nothing() -> None:
    # sys.modules[name] = None is how Python spells "this module is not installed".
    assert _import_plugin("sys.modules['starlette'] = None") == "[] False False"
