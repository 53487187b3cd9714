"""The pytest plugin, used the way a user's test suite uses it (pytester)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ("shared_auth.pytest_plugin", "dptcay_sdk.pytest_plugin", "dancity_sdk.pytest_plugin")

USER_TESTS = """
from decimal import Decimal

import pytest

from dancity_sdk import APIStatusError
from dptcay_sdk import APITimeoutError, OutcomeUnknownError, PaymentStatus


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
    """``-p`` each plugin the installed distribution does not already register."""
    registered = {ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    return [arg for plugin in PLUGINS if plugin not in registered for arg in ("-p", plugin)]


def test_pyproject_registers_each_plugin_by_its_own_entry_point() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.entry-points.pytest11]", 1)[1].split("\n[", 1)[0]
    values = {
        line.split("=", 1)[1].strip().strip('"') for line in section.splitlines() if "=" in line
    }
    assert values == set(PLUGINS)


def test_the_fixtures_work_in_a_user_s_test_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(*_plugin_args(), "-p", "anyio", "-q")
    result.assert_outcomes(passed=9)  # 4 async tests on asyncio and trio, 1 sync


def _import_plugin(prelude: str, plugin: str, fixture: str) -> str:
    # Importing a plugin never imports a sandbox (or Starlette) before a fixture is used.
    heavy = (
        "starlette",
        "uvicorn",
        "shared_auth.testing",
        "dptcay_sdk.testing",
        "dancity_sdk.testing",
    )
    code = (
        f"import sys\n{prelude}\n"
        f"import {plugin} as plugin\n"
        f"heavy = {heavy!r}\n"
        "print(sorted(m for m in heavy if sys.modules.get(m) is not None), "
        f"getattr(plugin, 'SANDBOX_INSTALLED', None), hasattr(plugin, {fixture!r}))\n"
    )
    return subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()


def test_the_shared_plugin_names_no_sdk_and_imports_nothing_heavy() -> None:
    assert _import_plugin("", PLUGINS[0], "webhook_faults") == "[] None True"
    source = (ROOT / "shared_auth" / "pytest_plugin.py").read_text(encoding="utf-8")
    assert "dptcay" not in source
    assert "dancity" not in source


@pytest.mark.parametrize(
    ("plugin", "fixture"),
    [
        ("dptcay_sdk.pytest_plugin", "dptcay_client"),
        ("dancity_sdk.pytest_plugin", "dancity_client"),
    ],
)
def test_each_sdk_plugin_imports_nothing_heavy(plugin: str, fixture: str) -> None:
    assert _import_plugin("", plugin, fixture) == "[] True True"


@pytest.mark.parametrize(
    ("plugin", "fixture"),
    [
        ("dptcay_sdk.pytest_plugin", "dptcay_client"),
        ("dancity_sdk.pytest_plugin", "dancity_client"),
    ],
)
def test_without_the_sandbox_extra_an_sdk_plugin_defines_nothing(plugin: str, fixture: str) -> None:
    # sys.modules[name] = None is how Python spells "this module is not installed".
    assert _import_plugin("sys.modules['starlette'] = None", plugin, fixture) == "[] False False"
