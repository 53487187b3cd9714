"""OpenTelemetry spans: one per SDK call, with route, attempts, outcome and request id."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import (
    AsyncDptcayClient,
    NotFoundError,
    OutcomeUnknownError,
    disable_tracing,
    enable_tracing,
)
from dptcay_sdk.testing import DptcaySandbox
from shared_auth import _tracing
from shared_auth.testing import FaultInjector

pytestmark = pytest.mark.anyio
Served = tuple[AsyncDptcayClient, DptcaySandbox, FaultInjector]


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    enable_tracing(provider)
    try:
        yield exporter
    finally:
        disable_tracing()


@pytest.fixture
async def dptcay() -> AsyncIterator[Served]:
    sandbox = DptcaySandbox(plan="scale")
    faults = FaultInjector(sandbox.app)
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=faults)) as http,
        AsyncDptcayClient(sandbox.write_key, base_url=sandbox.base_url, http_client=http) as dp,
    ):
        yield dp, sandbox, faults


def _only(exporter: InMemorySpanExporter) -> ReadableSpan:
    finished = exporter.get_finished_spans()
    assert len(finished) == 1, [s.name for s in finished]
    return finished[0]


def _text(span: ReadableSpan) -> str:
    attributes = dict(span.attributes or {})
    return f"{span.name} {attributes} {span.status.description} {list(span.events)}"


async def test_a_successful_call_is_one_span(spans: InMemorySpanExporter, dptcay: Served) -> None:
    dp, sandbox, _ = dptcay
    payment = await dp.payments.create(amount=Decimal(5), currency="USDC", order_id="o-1")
    span = _only(spans)
    attributes = dict(span.attributes or {})
    assert span.name == "dptcay POST /payments/create"
    assert attributes["sdk.api"] == "dptcay"
    assert attributes["sdk.route"] == "POST /payments/create"
    assert attributes["sdk.attempts"] == 1
    assert attributes["sdk.outcome"] == "result"
    assert attributes.get("sdk.request_id") == payment.request_id
    assert span.status.status_code is StatusCode.UNSET
    assert sandbox.write_key not in _text(span)


async def test_retries_are_counted_and_typed_errors_named(
    spans: InMemorySpanExporter, dptcay: Served
) -> None:
    dp, _, faults = dptcay
    faults.fail_next(503, method="GET")
    assert len(await dp.currencies.list()) > 0
    span = _only(spans)
    assert dict(span.attributes or {})["sdk.attempts"] == 2
    spans.clear()
    with pytest.raises(NotFoundError):
        await dp.payments.get("pay_missing")
    span = _only(spans)
    attributes = dict(span.attributes or {})
    assert attributes["sdk.outcome"] == "error"
    assert attributes["error.type"] == "NotFoundError"
    assert attributes["http.response.status_code"] == 404
    assert attributes["url.template"] == "/payments/{payment_id}"
    assert "pay_missing" not in _text(span)
    assert span.status.status_code is StatusCode.ERROR


async def test_an_unknown_outcome_is_its_own_outcome(
    spans: InMemorySpanExporter, dptcay: Served
) -> None:
    dp, _, faults = dptcay
    faults.drop_next(method="POST", path="/payments")
    with pytest.raises(OutcomeUnknownError):
        await dp.payments.create(amount=Decimal(5), currency="USDC", order_id="o-2")
    attributes = dict(_only(spans).attributes or {})
    assert attributes["sdk.outcome"] == "unknown"
    assert attributes["sdk.reference"] == "o-2"


async def test_no_secret_in_any_span(spans: InMemorySpanExporter, dptcay: Served) -> None:
    dp, sandbox, _ = dptcay
    spare = await dp.keys.create(scope="read", label="spare")
    await dp.keys.revoke(spare.key)  # DELETE /keys/{key}: the key is in the path
    text = " ".join(_text(s) for s in spans.get_finished_spans())
    assert len(spans.get_finished_spans()) == 2
    assert spare.key.get_secret_value() not in text
    assert sandbox.write_key not in text
    assert "/keys/{key}" in text


async def test_dancity_spans_name_the_api_and_route(spans: InMemorySpanExporter) -> None:
    sandbox = DancitySandbox()
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 50000))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(sandbox.api_key, base_url=sandbox.base_url, http_client=http) as dc,
    ):
        await dc.vas.wallet.balances()
    span = _only(spans)
    assert span.name == "Dancity GET /api/v1/wallet"  # the default generation, 2026-05-31
    assert sandbox.api_key not in _text(span)


async def test_disabled_tracing_emits_nothing(dptcay: Served) -> None:
    dp, _, _ = dptcay
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    enable_tracing(provider)
    await dp.currencies.list()
    disable_tracing()
    assert _tracing.TRACER is None
    await dp.currencies.list()
    assert len(exporter.get_finished_spans()) == 1
