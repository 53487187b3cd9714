"""The dptcay sandbox: authentication, scopes, rate limits, API keys and the app's plumbing.

Driven with raw httpx against the ASGI app; the SDK client is deliberately not involved.
"""

from __future__ import annotations

import importlib
import math
import re
import sys

import anyio
import httpx
import pytest

from dptcay_sdk.testing import (
    RATE_PLANS,
    DptcaySandbox,
    ManualClock,
    RatePlan,
    SandboxError,
)

KEY_RE = re.compile(r"dp_test_sk_[A-Za-z0-9]{24}")
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
PAYMENT = {"amount": "10.00", "currency": "USDC"}


def api(sb: DptcaySandbox, key: str | None = None) -> httpx.AsyncClient:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sb.app), base_url=sb.base_url, headers=headers
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sb(clock: ManualClock) -> DptcaySandbox:
    return DptcaySandbox(clock=clock, wall_clock=clock)


def tiny(clock: ManualClock, limit: int = 3, window: float = 10.0) -> DptcaySandbox:
    return DptcaySandbox(plan=RatePlan(limit, window, name="test"), clock=clock, wall_clock=clock)


# --- seeded keys ----------------------------------------------------------------------


def test_seeded_keys_have_the_contract_format_and_differ_per_instance() -> None:
    one, two = DptcaySandbox(), DptcaySandbox()
    for key in (one.write_key, one.read_key, two.write_key):
        assert KEY_RE.fullmatch(key)
    assert len({one.write_key, one.read_key, two.write_key, two.read_key}) == 4
    assert one.base_url == "http://localhost/v1"


def test_repr_does_not_show_keys() -> None:
    sandbox = DptcaySandbox(plan="growth")
    assert repr(sandbox) == "DptcaySandbox(plan='growth')"
    assert sandbox.write_key not in repr(sandbox)


@pytest.mark.anyio
async def test_instances_do_not_share_keys() -> None:
    one, two = DptcaySandbox(), DptcaySandbox()
    async with api(two, one.write_key) as http:
        response = await http.get("/currencies")
    assert response.status_code == 401
    assert response.json()["message"] == "Unknown API key"


# --- authentication -------------------------------------------------------------------


@pytest.mark.anyio
async def test_missing_authorization_is_401_in_the_documented_shape(sb: DptcaySandbox) -> None:
    async with api(sb) as http:
        response = await http.get("/currencies")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error", "code", "message"}
    assert body["error"] == "Unauthorized"
    assert body["code"] == 401
    assert "Authorization" in body["message"]
    for header in RATE_HEADERS:
        assert header in response.headers


@pytest.mark.parametrize(
    ("authorization", "fragment"),
    [
        ("Token dp_test_sk_AAAAAAAAAAAAAAAAAAAAAAAA", "Bearer"),
        ("Bearer", "Bearer"),
        ("Bearer a b", "Bearer"),
        ("Bearer dp_test_sk_tooShort", "Malformed"),
        ("Bearer sk_test_AAAAAAAAAAAAAAAAAAAAAAAA", "Malformed"),
        ("Bearer dp_test_sk_AAAA-AAAA-AAAA-AAAA-AAAA", "Malformed"),
        ("Bearer dp_test_sk_AAAAAAAAAAAAAAAAAAAAAAAA", "Unknown API key"),
        ("Bearer dp_live_sk_AAAAAAAAAAAAAAAAAAAAAAAA", "Live keys are not accepted"),
    ],
)
@pytest.mark.anyio
async def test_bad_credentials_are_401_without_echoing_the_key(
    sb: DptcaySandbox, authorization: str, fragment: str
) -> None:
    async with api(sb) as http:
        response = await http.get("/currencies", headers={"Authorization": authorization})
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "Unauthorized"
    assert body["code"] == 401
    assert fragment in body["message"]
    assert "AAAAAAAA" not in response.text
    assert "tooShort" not in response.text


@pytest.mark.anyio
async def test_bearer_scheme_is_case_insensitive(sb: DptcaySandbox) -> None:
    async with api(sb) as http:
        response = await http.get("/currencies", headers={"Authorization": f"bearer {sb.read_key}"})
    assert response.status_code == 200


@pytest.mark.anyio
async def test_unauthenticated_requests_do_not_count_against_any_key(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=2)
    async with api(sandbox) as anonymous:
        for _ in range(5):
            response = await anonymous.get("/currencies")
            assert response.status_code == 401
            assert response.headers["X-RateLimit-Remaining"] == "2"
            assert response.headers["X-RateLimit-Limit"] == "2"
    async with api(sandbox, sandbox.read_key) as http:
        statuses = [(await http.get("/currencies")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- scopes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "scope"),
    [
        ("POST", "/payments/create", PAYMENT, "payments:write"),
        ("POST", "/refunds", {"payment_id": "pay_x"}, "refunds:write"),
        ("POST", "/webhooks/register", {"url": "https://example.com/h"}, "webhooks:write"),
        ("POST", "/keys", {"scope": "read"}, "keys:write"),
        ("DELETE", "/keys/dp_test_sk_AAAAAAAAAAAAAAAAAAAAAAAA", None, "keys:write"),
    ],
)
@pytest.mark.anyio
async def test_read_key_beyond_its_scope_is_403_naming_the_scope(
    sb: DptcaySandbox, method: str, path: str, body: dict[str, str] | None, scope: str
) -> None:
    async with api(sb, sb.read_key) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 403
    assert response.json() == {
        "error": "Forbidden",
        "code": 403,
        "message": f"This key lacks the {scope} scope",
    }
    assert response.headers["X-RateLimit-Remaining"] == "99"


@pytest.mark.anyio
async def test_read_key_reads_payments_and_currencies(sb: DptcaySandbox) -> None:
    async with api(sb, sb.write_key) as writer:
        payment = (await writer.post("/payments/create", json=PAYMENT)).json()
    async with api(sb, sb.read_key) as reader:
        fetched = await reader.get(f"/payments/{payment['id']}")
        currencies = await reader.get("/currencies")
    assert fetched.status_code == 200
    assert fetched.json() == payment
    assert currencies.status_code == 200


# --- rate limits ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_rate_limit_headers_count_down_per_request(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=3, window=10.0)
    async with api(sandbox, sandbox.write_key) as http:
        responses = [await http.get("/currencies") for _ in range(3)]
    assert [r.headers["X-RateLimit-Limit"] for r in responses] == ["3", "3", "3"]
    assert [r.headers["X-RateLimit-Remaining"] for r in responses] == ["2", "1", "0"]
    # The oldest request (at t0) leaves the window at t0 + 10.
    assert {r.headers["X-RateLimit-Reset"] for r in responses} == {str(math.ceil(clock() + 10))}
    assert all("Retry-After" not in r.headers for r in responses)


@pytest.mark.anyio
async def test_sliding_window_refuses_with_429_and_retry_after(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=3, window=10.0)
    start = clock()
    async with api(sandbox, sandbox.write_key) as http:
        for _ in range(3):  # requests at t=0, 4, 8
            assert (await http.get("/currencies")).status_code == 200
            clock.advance(4)
        # now t=12: the t=0 request has left, so one slot is free again
        assert (await http.get("/currencies")).status_code == 200
        clock.advance(0.5)  # t=12.5: window holds t=4, 8, 12
        refused = await http.get("/currencies")
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "Rate Limited",
        "code": 429,
        "message": refused.json()["message"],
    }
    assert "3 requests per 10 seconds" in refused.json()["message"]
    # The oldest logged request (t=4) leaves at t=14: 1.5 s from now, rounded up.
    assert refused.headers["Retry-After"] == "2"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == str(math.ceil(start + 14))


@pytest.mark.anyio
async def test_retry_after_is_at_least_one_second(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=1, window=1.0)
    async with api(sandbox, sandbox.write_key) as http:
        assert (await http.get("/currencies")).status_code == 200
        clock.advance(0.9)
        refused = await http.get("/currencies")
        clock.advance(0.1)
        admitted = await http.get("/currencies")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert admitted.status_code == 200


@pytest.mark.anyio
async def test_refused_requests_are_not_logged(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=1, window=10.0)
    async with api(sandbox, sandbox.write_key) as http:
        await http.get("/currencies")
        for _ in range(5):
            clock.advance(1)
            assert (await http.get("/currencies")).status_code == 429
        clock.advance(5)  # t=10: the only logged request leaves
        assert (await http.get("/currencies")).status_code == 200


@pytest.mark.anyio
async def test_rate_limits_are_per_key(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=1)
    async with api(sandbox, sandbox.write_key) as writer, api(sandbox, sandbox.read_key) as reader:
        assert (await writer.get("/currencies")).status_code == 200
        assert (await writer.get("/currencies")).status_code == 429
        assert (await reader.get("/currencies")).status_code == 200


@pytest.mark.anyio
async def test_403_404_and_429_carry_rate_headers_and_403_404_count(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=3)
    async with api(sandbox, sandbox.read_key) as http:
        forbidden = await http.post("/payments/create", json=PAYMENT)
        missing = await http.get("/payments/pay_unknown")
        unrouted = await http.get("/no/such/route")
        limited = await http.get("/currencies")
    assert [forbidden.status_code, missing.status_code, unrouted.status_code] == [403, 404, 404]
    assert [
        forbidden.headers["X-RateLimit-Remaining"],
        missing.headers["X-RateLimit-Remaining"],
    ] == [
        "2",
        "1",
    ]
    assert unrouted.headers["X-RateLimit-Remaining"] == "0"
    assert limited.status_code == 429
    for response in (forbidden, missing, unrouted, limited):
        for header in RATE_HEADERS:
            assert header in response.headers


@pytest.mark.parametrize(
    ("name", "limit", "burst"), [("starter", 100, 150), ("growth", 500, 700), ("scale", 2000, 3000)]
)
@pytest.mark.anyio
async def test_documented_plans(name: str, limit: int, burst: int) -> None:
    sandbox = DptcaySandbox(plan=name)
    assert sandbox.plan == RATE_PLANS[name]
    assert (sandbox.plan.limit, sandbox.plan.window, sandbox.plan.burst) == (limit, 60.0, burst)
    async with api(sandbox, sandbox.read_key) as http:
        response = await http.get("/currencies")
    assert response.headers["X-RateLimit-Limit"] == str(limit)
    assert response.headers["X-RateLimit-Remaining"] == str(limit - 1)


def test_plan_validation() -> None:
    with pytest.raises(ValueError, match="unknown rate plan 'enterprise'"):
        DptcaySandbox(plan="enterprise")
    with pytest.raises(ValueError, match="limit"):
        RatePlan(0)
    with pytest.raises(ValueError, match="window"):
        RatePlan(1, 0)
    with pytest.raises(ValueError, match="burst"):
        RatePlan(10, 1.0, burst=5)


def test_manual_clock_only_moves_forward() -> None:
    clock = ManualClock(100.0)
    clock.advance(2.5)
    assert clock() == 102.5
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


# --- API keys -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_create_key_response_and_the_new_key_works(
    sb: DptcaySandbox, clock: ManualClock
) -> None:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/keys", json={"scope": "read", "label": "reporting"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "object", "key", "scope", "label", "created_at"}
    assert re.fullmatch(r"key_[A-Za-z0-9]{24}", body["id"])
    assert body["object"] == "api_key"
    assert KEY_RE.fullmatch(body["key"])
    assert (body["scope"], body["label"], body["created_at"]) == (
        "read",
        "reporting",
        "2027-01-15T08:00:00Z",
    )
    async with api(sb, body["key"]) as new:
        assert (await new.get("/currencies")).status_code == 200
        assert (await new.post("/payments/create", json=PAYMENT)).status_code == 403


@pytest.mark.parametrize(
    "body",
    [{}, {"scope": "admin"}, {"scope": "write", "label": 7}, {"scope": "write", "extra": "x"}],
)
@pytest.mark.anyio
async def test_create_key_validation(sb: DptcaySandbox, body: dict[str, object]) -> None:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/keys", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.anyio
async def test_zero_downtime_rotation_pattern(sb: DptcaySandbox) -> None:
    old = sb.write_key
    async with api(sb, old) as http:
        new = (await http.post("/keys", json={"scope": "write", "label": "prod-v2"})).json()["key"]
    async with api(sb, new) as http:
        revoked = await http.delete(f"/keys/{old}")
        assert (await http.get("/currencies")).status_code == 200
    assert revoked.status_code == 200
    body = revoked.json()
    assert set(body) == {"id", "object", "revoked"}
    assert body["object"] == "api_key"
    assert body["revoked"] is True
    assert re.fullmatch(r"key_[A-Za-z0-9]{24}", body["id"])
    async with api(sb, old) as http:
        refused = await http.get("/currencies")
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "Unauthorized",
        "code": 401,
        "message": "This API key has been revoked",
    }


@pytest.mark.anyio
async def test_revoke_is_idempotent_and_unknown_keys_are_404_without_echo(
    sb: DptcaySandbox,
) -> None:
    victim = sb.create_key(scope="read")
    unknown = "dp_test_sk_ZZZZZZZZZZZZZZZZZZZZZZZZ"
    async with api(sb, sb.write_key) as http:
        first = await http.delete(f"/keys/{victim}")
        second = await http.delete(f"/keys/{victim}")
        missing = await http.delete(f"/keys/{unknown}")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "resource_missing", "message": "No such API key"}}
    assert "ZZZZ" not in missing.text


@pytest.mark.anyio
async def test_a_key_may_revoke_itself(sb: DptcaySandbox) -> None:
    key = sb.create_key(scope="write", label="self-destruct")
    async with api(sb, key) as http:
        revoked = await http.delete(f"/keys/{key}")
        after = await http.get("/currencies")
    assert revoked.status_code == 200
    assert after.status_code == 401
    assert after.json()["message"] == "This API key has been revoked"


@pytest.mark.anyio
async def test_python_key_management(sb: DptcaySandbox) -> None:
    key = sb.create_key(scope="read", label="x")
    assert KEY_RE.fullmatch(key)
    async with api(sb, key) as http:
        assert (await http.get("/currencies")).status_code == 200
        sb.revoke_key(key)
        assert (await http.get("/currencies")).status_code == 401
    with pytest.raises(SandboxError) as raised:
        sb.revoke_key("dp_test_sk_nopenopenopenopenope")
    assert raised.value.status == 404
    assert raised.value.code == "resource_missing"
    with pytest.raises(ValueError, match="scope"):
        sb.create_key(scope="admin")  # type: ignore[arg-type]


# --- plumbing -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_unknown_routes_and_methods_answer_json_without_echoing_the_path(
    sb: DptcaySandbox,
) -> None:
    async with api(sb, sb.write_key) as http:
        unrouted = await http.delete(f"/key/{sb.write_key}")
        wrong_method = await http.put("/currencies")
    assert unrouted.status_code == 404
    assert unrouted.json()["error"]["code"] == "not_found"
    assert sb.write_key not in unrouted.text
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]


@pytest.mark.anyio
async def test_every_response_has_a_request_id(sb: DptcaySandbox) -> None:
    async with api(sb) as anonymous, api(sb, sb.read_key) as http:
        responses = [await anonymous.get("/currencies"), await http.get("/currencies")]
    ids = [r.headers["X-Request-Id"] for r in responses]
    assert all(re.fullmatch(r"req_[A-Za-z0-9]{24}", i) for i in ids)
    assert ids[0] != ids[1]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
@pytest.mark.anyio
async def test_bodies_must_be_json_objects(sb: DptcaySandbox, raw: bytes) -> None:
    async with api(sb, sb.write_key) as http:
        response = await http.post("/payments/create", content=raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_seed_makes_ids_reproducible() -> None:
    one, two = DptcaySandbox(seed=7), DptcaySandbox(seed=7)
    assert (one.write_key, one.read_key) == (two.write_key, two.read_key)


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("dptcay_sdk.testing")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "starlette.applications", None)
    with pytest.raises(ImportError) as raised:
        importlib.import_module("dptcay_sdk.testing")
    assert str(raised.value) == (
        "dptcay_sdk.testing needs the 'sandbox' extra: pip install 'dptcay-dancity-sdk[sandbox]'"
    )


@pytest.mark.anyio
async def test_concurrent_requests_never_exceed_the_window(clock: ManualClock) -> None:
    sandbox = tiny(clock, limit=10)
    statuses: list[int] = []
    async with api(sandbox, sandbox.write_key) as http:

        async def one() -> None:
            statuses.append((await http.post("/payments/create", json=PAYMENT)).status_code)

        async with anyio.create_task_group() as tg:
            for _ in range(25):
                tg.start_soon(one)
    assert sorted(statuses) == [200] * 10 + [429] * 15
