"""The SDK's typed method for every operation of every generation, against the real sandbox.

The client builds each request from the declarations and reads each answer into its models;
the sandbox implements the behaviour on its own. Every row of the operations table
(``tests.dancity._operations``) goes through both: each answer shows what its row expects,
together they reach every declared operation, and the money that moves is the money the
sandbox's wallet shows.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from dancity_sdk._spec import API_VERSIONS, GENERATIONS
from tests.dancity._operations import EveryPurchase, Has, Ref, Row
from tests.dancity.official_sandbox._exercise import play


@pytest.mark.parametrize("api_version", API_VERSIONS)
@pytest.mark.anyio
async def test_every_typed_method_works_against_the_sandbox(api_version: str) -> None:
    run = await play(api_version, seed=5)
    assert run.failures == []
    assert run.covered == set(GENERATIONS[api_version].operations)
    # every purchase is one transaction; the wallet lost what they cost
    assert len(run.sandbox.transactions) == run.purchases >= 7
    spent = sum((Decimal(str(tx["amountPaid"])) for tx in run.sandbox.transactions), Decimal(0))
    assert run.sandbox.balance() == Decimal(50000) - spent


@pytest.mark.anyio
async def test_a_refused_call_a_wrong_answer_and_what_hangs_on_them_are_reported() -> None:
    rows = (
        Row(
            "airtime.buy",
            "airtime.buy",
            kwargs={"product": "No Such Airtime", "phone": "08012345678", "amount": 100},
        ),
        Row(
            "transactions.get",
            "transactions.get",
            (Ref("airtime.buy", "tranx_id", "T-1"),),
        ),
        Row("wallet.list", "wallet.balances", expect=(Has("0.id", "no-such-wallet"),)),
        Row("transactions.list", "transactions.list", expect=(EveryPurchase("transactions"),)),
    )
    run = await play("2026-05-31", rows=rows)
    assert [f.split(":")[0] for f in run.failures] == [
        "airtime.buy",  # the sandbox refuses an unknown product
        "transactions.get",  # its Ref points at the failed purchase
        "wallet.list",
    ]
    assert "BadRequestError" in run.failures[0]
    assert "no-such-wallet" in run.failures[-1]
    assert run.covered == {"airtime.buy", "wallet.list", "transactions.list"}
    assert [v.split(":")[0] for v in run.response_violations] == ["airtime.buy"]
    assert run.purchases == 0
