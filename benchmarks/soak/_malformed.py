"""Malformed responses: hypothesis answers every public method of both SDKs with junk.

A ``httpx.MockTransport`` answers with a random status, random rate-limit, ``Retry-After``
and content-type headers, and a random body: JSON of the wrong shape, truncated JSON,
bytes that are not UTF-8, huge numbers, NaN and Infinity, nulls, and deeply nested
arrays (about 980 ``[`` once made the JSON decoder's RecursionError escape). The only
exceptions allowed out of an SDK call are the SDK's own.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, NamedTuple

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dancity_sdk import AsyncDancityClient
from dptcay_sdk import AsyncDptcayClient, parse_event
from shared_auth import RetryPolicy, SDKError

DP_KEY: Final = "dp_test_sk_" + "a" * 24
DC_KEY: Final = "dcy_live_" + "0" * 40
JWT: Final = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"
_POLICY: Final = RetryPolicy(
    max_retries=1, initial_backoff=0, max_backoff=0, max_rate_limit_wait=0, deadline=5.0
)
_EVENT: Final = parse_event(
    json.dumps(
        {
            "id": "evt_1",
            "type": "payment.completed",
            "created_at": "2026-01-01T00:00:00Z",
            "data": {
                "id": "pay_1",
                "object": "payment",
                "status": "completed",
                "amount": "1",
                "currency": "USDC",
            },
        }
    ).encode()
)


class Clients(NamedTuple):
    """The clients a method is called on: dptcay, and Dancity in each API generation."""

    dp: AsyncDptcayClient
    dc: AsyncDancityClient  # the default (newest) generation
    g2: AsyncDancityClient  # 2026-05-09: cards, validation
    g1: AsyncDancityClient  # 2026-04-27: single service and product lookups


Method = Callable[[Clients], Awaitable[object]]

#: Every public method of both async clients, with arguments that pass validation.
METHODS: Final[dict[str, Method]] = {
    "dp.payments.create": lambda c: c.dp.payments.create(
        amount=Decimal("1.5"), currency="USDC", order_id="o-1"
    ),
    "dp.payments.get": lambda c: c.dp.payments.get("pay_1"),
    "dp.refunds.create": lambda c: c.dp.refunds.create(payment_id="pay_1", amount=Decimal(1)),
    "dp.currencies.list": lambda c: c.dp.currencies.list(),
    "dp.webhooks.register": lambda c: c.dp.webhooks.register(url="https://example.com/h"),
    "dp.webhooks.fetch_event_object": lambda c: c.dp.webhooks.fetch_event_object(_EVENT),
    "dp.keys.create": lambda c: c.dp.keys.create(scope="read"),
    "dp.keys.revoke": lambda c: c.dp.keys.revoke("dp_test_sk_" + "b" * 24),
    "dp.rotate_key": lambda c: c.dp.rotate_key(),
    "dc.vas.wallet.balances": lambda c: c.dc.vas.wallet.balances(),
    "dc.vas.catalog.services": lambda c: c.dc.vas.catalog.services(),
    "dc.vas.catalog.products": lambda c: c.dc.vas.catalog.products(),
    "dc.vas.catalog.data_plans": lambda c: c.dc.vas.catalog.data_plans(),
    "dc.vas.catalog.cable_plans": lambda c: c.dc.vas.catalog.cable_plans(),
    "dc.vas.catalog.internet_plans": lambda c: c.dc.vas.catalog.internet_plans(),
    "dc.vas.airtime.buy": lambda c: c.dc.vas.airtime.buy(
        product="MTN Airtime", phone="08031234567", amount=100
    ),
    "dc.vas.data.buy": lambda c: c.dc.vas.data.buy(plan="p1", phone="08031234567"),
    "dc.vas.cable.validate": lambda c: c.dc.vas.cable.validate(
        smartcard_number="7012345678", cablename="GOTV"
    ),
    "dc.vas.cable.buy": lambda c: c.dc.vas.cable.buy(
        smartcard_number="7012345678",
        cableplan="p",
        customer_name="A",
    ),
    "dc.vas.electricity.validate": lambda c: c.dc.vas.electricity.validate(
        meter_number="45012345678", biller="EKEDC", meter_type="prepaid", amount=1000
    ),
    "dc.vas.electricity.buy": lambda c: c.dc.vas.electricity.buy(
        meter_number="45012345678",
        biller="EKEDC",
        amount=1000,
        meter_type="prepaid",
        customer_name="A",
        address="B",
    ),
    "dc.vas.internet.buy": lambda c: c.dc.vas.internet.buy(
        plan="p", account_id="1", phone="08031234567"
    ),
    "dc.vas.education.purchase": lambda c: c.dc.vas.education.purchase(product="WAEC"),
    "dc.vas.betting.fund": lambda c: c.dc.vas.betting.fund(
        product="1XBET", account_id="4", amount=100
    ),
    "dc.vas.transactions.list": lambda c: c.dc.vas.transactions.list(),
    "dc.vas.transactions.get": lambda c: c.dc.vas.transactions.get("REF-1"),
    "dc.vas.transactions.reconcile": lambda c: c.dc.vas.transactions.reconcile(
        "REF-1", interval=0.001, timeout=0.002
    ),
    "dc.vas.wallet.get": lambda c: c.dc.vas.wallet.get("w1"),
    "dc.vas.catalog.service": lambda c: c.g1.vas.catalog.service("s1"),
    "dc.vas.catalog.product": lambda c: c.g1.vas.catalog.product("p1"),
    "dc.vas.validation.cable": lambda c: c.g2.vas.validation.cable(
        smartcard_number="7012345678", cablename="GOTV"
    ),
    "dc.vas.validation.electricity": lambda c: c.g2.vas.validation.electricity(
        meter_number="45012345678", biller="EKEDC", amount=1000, meter_type="prepaid"
    ),
    "dc.vas.education.validate_product": lambda c: c.g2.vas.education.validate_product(
        product="WAEC"
    ),
    "dc.vas.esim.regions": lambda c: c.dc.vas.esim.regions(),
    "dc.vas.esim.packages": lambda c: c.dc.vas.esim.packages(region_code="NG"),
    "dc.vas.esim.topup_packages": lambda c: c.dc.vas.esim.topup_packages(
        iccid="8923400000000000001"
    ),
    "dc.vas.esim.purchase": lambda c: c.dc.vas.esim.purchase(package_code="NG-1GB-7D"),
    "dc.vas.esim.my_esims": lambda c: c.dc.vas.esim.my_esims(),
    "dc.vas.esim.details": lambda c: c.dc.vas.esim.details("t1"),
    "dc.vas.cards.list": lambda c: c.g2.vas.cards.list(),
    "dc.vas.cards.create": lambda c: c.g2.vas.cards.create(),
    "dc.vas.cards.exchange_rate": lambda c: c.g2.vas.cards.exchange_rate(),
    "dc.vas.cards.transactions": lambda c: c.g2.vas.cards.transactions("card_1"),
    "dc.vas.cards.fund": lambda c: c.g2.vas.cards.fund("card_1", amount=Decimal(5)),
    "dc.vas.cards.get": lambda c: c.g2.vas.cards.get("card_1"),
    "dc.vas.cards.update": lambda c: c.g2.vas.cards.update("card_1", status="FROZEN"),
    "dc.app.wallet.get": lambda c: c.dc.app.wallet.get("w1"),
    "dc.app.transactions.list": lambda c: c.dc.app.transactions.list(),
    "dc.app.transactions.get": lambda c: c.dc.app.transactions.get("t1"),
}

# --- Responses -----------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
_FIELDS: Final = (
    "id",
    "status",
    "amount",
    "currency",
    "data",
    "success",
    "statusCode",
    "message",
    "transaction",
    "customerRef",
    "tranxId",
    "key",
    "error",
    "code",
    "allServices",
)
_shaped = st.dictionaries(st.sampled_from(_FIELDS), _json, max_size=6)
_special = st.sampled_from(
    [
        b"[" * 980,
        b"[" * 3000 + b"]" * 3000,
        b'{"a":' * 2000,
        b'{"amount": 1e999999}',
        b'{"amount": NaN, "id": Infinity}',
        b'{"amount": -Infinity}',
        b'{"data": ' + b"9" * 5000 + b"}",
        b"\xff\xfe\x00{not utf-8",
        b"",
        b"null",
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"success": false, "statusCode": 500}',
        b'{"success": false, "statusCode": "x"}',
        b'{"success": true, "data": null}',
    ]
)


def _dumps(value: object) -> bytes:
    return json.dumps(value).encode()


_bodies = st.one_of(
    _json.map(_dumps),
    _shaped.map(_dumps),
    st.tuples(_shaped.map(_dumps), st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])]),
    st.binary(max_size=64),
    _special,
)
_header_values = st.one_of(
    st.integers(-5, 10**12).map(str),
    st.sampled_from(["", "abc", "1e9", "NaN", "-1", "Wed, 21 Oct 2015 07:28:00 GMT"]),
)
_headers = st.dictionaries(
    st.sampled_from(
        [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "retry-after",
            "content-type",
            "x-request-id",
        ]
    ),
    _header_values,
    max_size=4,
)
_statuses = st.one_of(
    st.sampled_from([200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503]),
    st.integers(100, 599),
)


@dataclass
class MalformedResult:
    """What escaped, per method."""

    examples: int = 0
    escaped: int = 0
    escaped_by_type: Counter[str] = field(default_factory=Counter)
    methods: int = 0
    smallest: dict[str, str] = field(default_factory=dict)
    #: Methods that never sent a request (refused their arguments): nothing was fuzzed.
    silent: list[str] = field(default_factory=list)


class _Answer:
    """The response the mock transport gives next."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: dict[str, str] = {}
        self.body = b""
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        del request
        self.requests += 1
        return httpx.Response(self.status, headers=self.headers, content=self.body)


async def _clients(answer: _Answer) -> tuple[httpx.AsyncClient, Clients]:
    """One set of clients per method, answered by ``answer`` (made on the portal's loop)."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    dp = AsyncDptcayClient(DP_KEY, http_client=http, retry=_POLICY)
    dc = AsyncDancityClient(DC_KEY, jwt=JWT, http_client=http, retry=_POLICY, throttle=False)
    g2, g1 = (
        AsyncDancityClient(
            DC_KEY, http_client=http, retry=_POLICY, throttle=False, api_version=version
        )
        for version in ("2026-05-09", "2026-04-27")
    )
    return http, Clients(dp, dc, g2, g1)


async def _one(method: Method, clients: Clients) -> str | None:
    """Call ``method`` once: the type of the exception that escaped, or None."""
    try:
        await method(clients)
    except SDKError:
        return None
    except Exception as exc:  # noqa: BLE001 - what escapes is the measurement
        return type(exc).__name__
    return None


def _fuzz(
    portal: BlockingPortal,
    name: str,
    method: Method,
    examples: int,
    seed: int,
    out: MalformedResult,
) -> None:
    answer = _Answer()
    http, clients = portal.call(_clients, answer)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate,),
    )
    @given(status=_statuses, headers=_headers, body=_bodies)
    def run(status: int, headers: dict[str, str], body: bytes) -> None:
        answer.status, answer.headers, answer.body = status, headers, body
        out.examples += 1
        escaped = portal.call(_one, method, clients)
        if escaped is not None:
            out.escaped += 1
            out.escaped_by_type[escaped] += 1
            shown = f"{status} {body[:40]!r}"
            if name not in out.smallest or len(shown) < len(out.smallest[name]):
                out.smallest[name] = shown

    del seed  # derandomize=True: the examples are a function of the test itself
    try:
        run()
    finally:
        portal.call(http.aclose)
    if not answer.requests:
        out.silent.append(name)


def malformed(total_examples: int, *, seed: int, backend: str = "asyncio") -> MalformedResult:
    """Spread ``total_examples`` over every method in `METHODS`."""
    out = MalformedResult(methods=len(METHODS))
    per_method = max(1, -(-total_examples // len(METHODS)))  # rounded up: at least the total
    with start_blocking_portal(backend) as portal:
        for name, method in METHODS.items():
            _fuzz(portal, name, method, per_method, seed, out)
    return out
