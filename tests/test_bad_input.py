"""Bad input: each case is a typed SDK error raised before any request is sent.

Every client here is built over a transport that fails the test if it is ever called, so
a case passes only if the SDK refused the input itself. The first block holds the cases
users reported; the table after it covers each kind of mistake on both SDKs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient
from dptcay_sdk import AsyncDptcayClient
from shared_auth import (
    ConfigurationError,
    InvalidInputError,
    InvalidInputTypeError,
    RetryPolicy,
    SDKError,
)

# Every case is refused by argument validation before any await reaches the loop: one loop
# is enough (see tests/conftest.py).
pytestmark = [pytest.mark.anyio, pytest.mark.loop_agnostic]

DP_KEY = "dp_test_sk_" + "a" * 24
DC_KEY = "dcy_live_" + "0" * 40
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"
PHONE = "08012345678"
AIRTIME: dict[str, Any] = {"product": "MTN Airtime", "phone": PHONE, "amount": 100}


def _no_request(request: httpx.Request) -> httpx.Response:
    pytest.fail(f"a request was sent for bad input: {request.method} {request.url}")


def _http() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(_no_request))


def dp(**options: Any) -> AsyncDptcayClient:
    options.setdefault("http_client", _http())
    return AsyncDptcayClient(options.pop("api_key", DP_KEY), **options)


def dc(**options: Any) -> AsyncDancityClient:
    options.setdefault("http_client", _http())
    if "api_key" not in options and "jwt" not in options:
        options["api_key"] = DC_KEY
    return AsyncDancityClient(**options)


Case = Callable[[], "Awaitable[object] | object"]


async def _call(case: Case) -> object:
    result = case()
    return await result if isinstance(result, Awaitable) else result


async def _refused(case: Case) -> SDKError:
    with pytest.raises(SDKError) as info:
        await _call(case)
    return info.value


# --- The reported cases ------------------------------------------------------------------


async def test_a_dancity_client_refuses_a_dptcay_host() -> None:
    error = await _refused(lambda: dc(base_url="https://api.dptcay.com"))
    assert isinstance(error, ConfigurationError)
    assert "dptcay host" in str(error)


@pytest.mark.parametrize("url", ["https://api.dancity.app", "https://sandbox.dancity.app/x"])
async def test_a_dptcay_client_refuses_a_dancity_host(url: str) -> None:
    error = await _refused(lambda: dp(base_url=url))
    assert isinstance(error, ConfigurationError)
    assert "Dancity host" in str(error)


async def test_each_client_keeps_its_own_hosts_and_loopback() -> None:
    assert dc(base_url="https://api.dancity.app").base_url == "https://api.dancity.app"
    assert dp(base_url="https://api.dptcay.io/v1").base_url == "https://api.dptcay.io/v1"
    assert dp(base_url="http://127.0.0.1:8000/v1").base_url == "http://127.0.0.1:8000/v1"


@pytest.mark.parametrize("make", [dp, dc])
@pytest.mark.parametrize(
    "timeout", [-1, 0, float("nan"), float("inf"), "30", True, httpx.Timeout(5.0, read=-1)]
)
async def test_a_timeout_that_is_not_positive_finite_seconds_is_refused(
    make: Callable[..., object],
    timeout: object,  # noqa: ASYNC109 - the argument under test
) -> None:
    error = await _refused(lambda: make(timeout=timeout))
    assert isinstance(error, ConfigurationError)
    assert "timeout" in str(error)


@pytest.mark.parametrize("make", [dp, dc])
@pytest.mark.parametrize("max_retries", [-1, 1.5, "2", None, True])
async def test_max_retries_must_be_a_whole_number_of_at_least_0(
    make: Callable[..., object], max_retries: object
) -> None:
    error = await _refused(lambda: make(max_retries=max_retries))
    assert isinstance(error, ConfigurationError)
    assert "max_retries" in str(error)


async def test_timeout_none_and_a_valid_retry_policy_are_accepted() -> None:
    assert dp(timeout=None, retry=RetryPolicy(max_retries=0)) is not None
    assert dc(timeout=httpx.Timeout(5.0, connect=None), max_retries=0) is not None


@pytest.mark.parametrize(
    ("amount", "currency", "said"),
    [
        (Decimal("1.123456789"), "USDC", "more than 6 decimal places"),
        (Decimal("0.000000001"), "BTC", "more than 8 decimal places"),
        (Decimal("1e-30"), "ETH", "more than 18 decimal places"),
        (Decimal("1e-30"), "NEWCOIN", "the most any asset has"),
    ],
)
async def test_dptcay_amounts_with_more_decimals_than_the_asset_are_refused(
    amount: Decimal, currency: str, said: str
) -> None:
    error = await _refused(lambda: dp().payments.create(amount=amount, currency=currency))
    assert isinstance(error, InvalidInputError)
    assert said in str(error)


@pytest.mark.parametrize(
    "amount", [Decimal("100.001"), Decimal("100." + "0" * 29 + "1"), Decimal("50.005")]
)
async def test_dancity_amounts_finer_than_a_kobo_are_refused(amount: Decimal) -> None:
    error = await _refused(lambda: dc().vas.airtime.buy(**{**AIRTIME, "amount": amount}))
    assert isinstance(error, InvalidInputError)
    assert "2 decimal places" in str(error)


HUGE: list[object] = [
    10**5000,
    Decimal("1e1000000"),
    Decimal("-1e1000000"),
    Decimal("9" * 100_000),
    Decimal("1." + "1" * 100_000),
    Decimal("0." + "0" * 100_000 + "1"),
]


HUGE_IDS = ["int-5000-digits", "1e1000000", "-1e1000000", "100k-nines", "100k-decimals", "tiny"]


@pytest.mark.parametrize("amount", HUGE, ids=HUGE_IDS)
async def test_huge_amounts_are_refused_at_once_by_both_sdks(amount: object) -> None:
    # Measured in process CPU time, compared with a ratio, not a wall-clock bound: checking
    # one of these costs about as much as checking an ordinary amount, far below the
    # seconds a conversion of 1e1000000 takes.
    started = time.process_time()
    for case in (
        lambda: dp().payments.create(amount=amount, currency="USDC"),  # type: ignore[arg-type]
        lambda: dc().vas.airtime.buy(**{**AIRTIME, "amount": amount}),
    ):
        error = await _refused(case)
        assert isinstance(error, InvalidInputError)
        assert len(str(error)) < 300  # the value is never echoed in full
    spent = time.process_time() - started
    baseline_started = time.process_time()
    for _ in range(2):
        await _refused(lambda: dp().payments.create(amount=Decimal(-1), currency="USDC"))
    baseline = max(time.process_time() - baseline_started, 1e-4)
    assert spent < 200 * baseline


@pytest.mark.parametrize("field", ["order_id", "description"])
async def test_a_one_megabyte_dptcay_string_is_refused(field: str) -> None:
    kwargs: dict[str, Any] = {"amount": 1, "currency": "USDC", field: "x" * 1_000_000}
    error = await _refused(lambda: dp().payments.create(**kwargs))
    assert isinstance(error, InvalidInputError)
    assert error.field == field


async def test_a_one_megabyte_customer_ref_is_refused() -> None:
    error = await _refused(lambda: dc().vas.airtime.buy(**AIRTIME, customer_ref="r" * 1_000_000))
    assert isinstance(error, InvalidInputError)
    assert error.field == "customer_ref"


async def test_a_padded_currency_is_refused_and_not_stripped() -> None:
    error = await _refused(lambda: dp().payments.create(amount=1, currency=" USDC "))
    assert isinstance(error, InvalidInputError)
    assert "leading or trailing whitespace" in str(error)
    assert "'USDC'" in str(error)  # says what to pass instead


async def test_a_phone_with_a_newline_is_refused_and_not_stripped() -> None:
    error = await _refused(lambda: dc().vas.airtime.buy(**{**AIRTIME, "phone": PHONE + "\n"}))
    assert isinstance(error, InvalidInputError)
    assert "leading or trailing whitespace" in str(error)


@pytest.mark.parametrize("wallettype", ["gold", "MAIN", "main ", ""])
async def test_an_undocumented_wallettype_is_refused(wallettype: str) -> None:
    error = await _refused(lambda: dc().vas.data.buy(plan="P1", phone=PHONE, wallettype=wallettype))
    assert isinstance(error, InvalidInputError)
    assert error.field == "wallettype"


@pytest.mark.parametrize(
    ("interval", "timeout"),
    [(-1, 300.0), (0, 300.0), (math.nan, 300.0), (1.0, math.nan), (1.0, -5.0), (1.0, math.inf)],
)
async def test_reconcile_refuses_unusable_interval_and_timeout(
    interval: float,
    timeout: float,  # noqa: ASYNC109 - the argument under test
) -> None:
    error = await _refused(
        lambda: dc().vas.transactions.reconcile("REF-1", interval=interval, timeout=timeout)
    )
    assert isinstance(error, InvalidInputError)
    assert error.field in {"interval", "timeout"}


# --- The table: each a typed error, no request sent ---------------------------------------

DP_PAY: dict[str, Any] = {"amount": Decimal("10.50"), "currency": "USDC"}


def _pay(**changes: Any) -> Case:
    return lambda: dp().payments.create(**{**DP_PAY, **changes})


def _refund(**changes: Any) -> Case:
    return lambda: dp().refunds.create(**{"payment_id": "pay_1", **changes})


def _airtime(**changes: Any) -> Case:
    return lambda: dc().vas.airtime.buy(**{**AIRTIME, **changes})


def _electricity(**changes: Any) -> Case:
    kwargs: dict[str, Any] = {"meter_number": "45012345678", "biller": "EKEDC", "amount": 1000}
    kwargs |= {"customer_name": "J", "address": "A"}
    kwargs["meter_type"] = "prepaid"
    return lambda: dc().vas.electricity.buy(**{**kwargs, **changes})


TABLE: list[tuple[str, Case, type[SDKError]]] = [
    # Amounts: floats, non-finite, signs, zero, precision, bools, strings.
    ("dp float amount", _pay(amount=10.5), InvalidInputTypeError),
    ("dp NaN amount", _pay(amount=Decimal("NaN")), InvalidInputError),
    ("dp sNaN amount", _pay(amount=Decimal("sNaN")), InvalidInputError),
    ("dp Infinity amount", _pay(amount=Decimal("Infinity")), InvalidInputError),
    ("dp negative amount", _pay(amount=Decimal(-1)), InvalidInputError),
    ("dp zero amount", _pay(amount=0), InvalidInputError),
    ("dp bool amount", _pay(amount=True), InvalidInputTypeError),
    ("dp str amount", _pay(amount="10.50"), InvalidInputTypeError),
    ("dp BTC 9 decimals", _pay(amount=Decimal("0.123456789"), currency="BTC"), InvalidInputError),
    ("dp refund float", _refund(amount=1.5), InvalidInputTypeError),
    ("dp refund 19 decimals", _refund(amount=Decimal("1e-19")), InvalidInputError),
    ("dp refund -0", _refund(amount=Decimal("-0")), InvalidInputError),
    ("dc float amount", _airtime(amount=100.0), InvalidInputTypeError),
    ("dc NaN amount", _airtime(amount=Decimal("NaN")), InvalidInputError),
    ("dc -Infinity amount", _airtime(amount=Decimal("-Infinity")), InvalidInputError),
    ("dc negative amount", _airtime(amount=-100), InvalidInputError),
    ("dc zero amount", _airtime(amount=0), InvalidInputError),
    ("dc bool amount", _airtime(amount=True), InvalidInputTypeError),
    ("dc 3 decimals", _airtime(amount=Decimal("100.125")), InvalidInputError),
    ("dc below minimum", _airtime(amount=49), InvalidInputError),
    ("dc 5,000-digit amount", _airtime(amount=10**5000), InvalidInputError),
    ("dc electricity 1e12", _electricity(amount=10**12), InvalidInputError),
    # Keys: malformed, the other API's, the other family's.
    ("dp empty key", lambda: dp(api_key=""), ConfigurationError),
    ("dp short key", lambda: dp(api_key="dp_test_sk_abc"), ConfigurationError),
    ("dp padded key", lambda: dp(api_key=f" {DP_KEY}"), ConfigurationError),
    ("dp Dancity key", lambda: dp(api_key=DC_KEY), ConfigurationError),
    ("dp JWT as key", lambda: dp(api_key=JWT), ConfigurationError),
    ("dp bytes key", lambda: dp(api_key=DP_KEY.encode()), ConfigurationError),
    ("dc dptcay key", lambda: dc(api_key=DP_KEY), ConfigurationError),
    ("dc upper-case hex key", lambda: dc(api_key="dcy_live_" + "A" * 40), ConfigurationError),
    ("dc 39-hex key", lambda: dc(api_key="dcy_live_" + "0" * 39), ConfigurationError),
    ("dc JWT as api_key", lambda: dc(api_key=JWT), ConfigurationError),
    ("dc merchant key as jwt", lambda: dc(jwt=DC_KEY), ConfigurationError),
    ("dc dptcay key as jwt", lambda: dc(jwt=DP_KEY), ConfigurationError),
    ("dc no credential", AsyncDancityClient, ConfigurationError),
    ("dc vas without key", lambda: dc(jwt=JWT).vas.wallet.balances(), ConfigurationError),  # noqa: PLW0108
    ("dc app without jwt", lambda: dc().app.wallet.get("w1"), ConfigurationError),
    ("dp revoke a Dancity key", lambda: dp().keys.revoke(DC_KEY), InvalidInputError),
    # Phone numbers.
    ("dc phone 10 digits", _airtime(phone="0801234567"), InvalidInputError),
    ("dc phone 12 digits", _airtime(phone="080123456789"), InvalidInputError),
    ("dc phone +234", _airtime(phone="+2348012345678"), InvalidInputError),
    ("dc phone 234 prefix", _airtime(phone="2348012345678"), InvalidInputError),
    ("dc phone with spaces", _airtime(phone="0801 234 5678"), InvalidInputError),
    ("dc phone with dashes", _airtime(phone="0801-234-5678"), InvalidInputError),
    ("dc phone Arabic-Indic digits", _airtime(phone="٠٨٠١٢٣٤٥٦٧٨"), InvalidInputError),
    ("dc phone int", _airtime(phone=8012345678), InvalidInputTypeError),
    # Strings: empty, blank, huge, padded, wrong type.
    ("dp empty currency", _pay(currency=""), InvalidInputError),
    ("dp lower-case currency", _pay(currency="usdc"), InvalidInputError),
    ("dp 11-char currency", _pay(currency="ABCDEFGHIJK"), InvalidInputError),
    ("dp padded network", _pay(network="polygon "), InvalidInputError),
    ("dp blank order_id", _pay(order_id="   "), InvalidInputError),
    ("dp huge metadata value", _pay(metadata={"k": "v" * 10_000}), InvalidInputError),
    ("dp 51 metadata keys", _pay(metadata={str(i): "v" for i in range(51)}), InvalidInputError),
    ("dp expires_in 10**30", _pay(expires_in=10**30), InvalidInputError),
    ("dp refund huge reason", _refund(reason="r" * 100_000), InvalidInputError),
    ("dp refund padded payment_id", _refund(payment_id="pay_1\n"), InvalidInputError),
    ("dc empty product", _airtime(product=""), InvalidInputError),
    ("dc huge product", _airtime(product="p" * 100_000), InvalidInputError),
    ("dc padded product", _airtime(product=" MTN Airtime"), InvalidInputError),
    ("dc pin with letters", _airtime(pin="12a4"), InvalidInputError),
    ("dc 100-digit pin", _airtime(pin="1" * 100), InvalidInputError),
    ("dc meter type", _electricity(meter_type="smart"), InvalidInputError),
    ("dc padded customer_ref", _airtime(customer_ref="REF-1 "), InvalidInputError),
    ("dc requery huge id", lambda: dc().vas.transactions.get("x" * 10_000), InvalidInputError),
    ("dc list limit 0", lambda: dc().vas.transactions.list(limit=0), InvalidInputError),
    ("dc list huge page", lambda: dc().vas.transactions.list(page=10**100), InvalidInputError),
    # Base URLs: not https, not absolute, carrying credentials, the other API's host.
    ("dp http remote", lambda: dp(base_url="http://api.dptcay.com/v1"), ConfigurationError),
    ("dc http remote", lambda: dc(base_url="http://api.dancity.app"), ConfigurationError),
    ("dp ftp", lambda: dp(base_url="ftp://api.dptcay.com/v1"), ConfigurationError),
    ("dc relative", lambda: dc(base_url="/api"), ConfigurationError),
    ("dc empty", lambda: dc(base_url=""), ConfigurationError),
    ("dp userinfo", lambda: dp(base_url="https://u:p@api.dptcay.com/v1"), ConfigurationError),
    ("dp query", lambda: dp(base_url="https://api.dptcay.com/v1?k=1"), ConfigurationError),
    ("dp dancity.app", lambda: dp(base_url="https://dancity.app"), ConfigurationError),
    ("dc dptcay.io", lambda: dc(base_url="https://API.DPTCAY.IO"), ConfigurationError),
    # Client settings.
    ("dp rate plan", lambda: dp(rate_plan="platinum"), ConfigurationError),
    ("dc deadline NaN", lambda: dc(deadline=float("nan")), ConfigurationError),
    ("dp deadline -1", lambda: dp(deadline=-1), ConfigurationError),
    ("dc channel", lambda: dc(channel="SMS"), ConfigurationError),
    ("dc api_version", lambda: dc(api_version="2026-13-01"), ConfigurationError),
]


def test_the_table_is_large_enough() -> None:
    assert len(TABLE) >= 30
    assert len({name for name, _, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(
    ("case", "expected"), [(c, e) for _, c, e in TABLE], ids=[n for n, _, _ in TABLE]
)
async def test_bad_input_is_a_typed_error_before_any_request(
    case: Case, expected: type[SDKError]
) -> None:
    error = await _refused(case)
    assert isinstance(error, expected), f"{type(error).__name__}: {error}"
