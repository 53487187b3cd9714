"""The blocking twins are typed like the async clients (checked by mypy, run by pytest)."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_type

from dancity_sdk import DancityClient, Transaction, Wallet
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import Currency as DptcayCurrency
from dptcay_sdk import DptcayClient, Payment, ResultList
from dptcay_sdk.testing import DptcaySandbox


def test_dptcay_client_calls_are_typed_and_block() -> None:
    sandbox = DptcaySandbox()
    with sandbox.serve_in_thread() as url, DptcayClient(sandbox.write_key, base_url=url) as dp:
        payment = dp.payments.create(amount=Decimal("12.50"), currency="USDC")
        assert_type(payment, Payment)
        assert_type(dp.currencies.list(), ResultList[DptcayCurrency])
        assert dp.payments.get(payment.id).amount == Decimal("12.50")


def test_dancity_client_calls_are_typed_and_block() -> None:
    sandbox = DancitySandbox()
    jwt = sandbox.issue_jwt()
    with (
        sandbox.serve_in_thread() as url,
        DancityClient(sandbox.api_key, jwt=jwt, base_url=url) as dc,
    ):
        tx = dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=200)
        assert_type(tx, Transaction)
        assert tx.succeeded
        assert_type(dc.app.wallet.get(sandbox.wallet_id), Wallet)
