"""A guided tour of both SDKs against their sandboxes, served as real HTTP servers on loopback.

Run it with ``python -m nox -s demo`` (or ``python -m examples.demo`` in an environment
with the ``sandbox`` extra). Each step says what it shows and checks that the SDK behaved
as documented; the tour exits 0 when every step did and 1, naming the step, otherwise.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import dptcay_sdk
from dancity_sdk import AsyncDancityClient, MissingCredentialError, OutcomeUnknownError
from dancity_sdk import webhooks as dancity_webhooks
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import AsyncDptcayClient, RetryPolicy
from dptcay_sdk.testing import DptcaySandbox, RatePlan
from shared_auth import redact

WIDTH = 78


class DemoStepError(Exception):
    """A step did not behave as the SDK documents."""


def expect(condition: bool, what: str) -> None:
    """Fail the tour, saying what was expected, unless ``condition`` holds."""
    if not condition:
        raise DemoStepError(what)


def say(text: str = "") -> None:
    """Print one line of the tour."""
    print(text, flush=True)


def heading(text: str) -> None:
    """Print a section heading."""
    say()
    say(f"── {text} " + "─" * max(0, WIDTH - len(text) - 4))


def step(text: str) -> None:
    """Print a checked step."""
    say(f"  ✓ {text}")


class Wire:
    """Records what the SDK put on the wire (an httpx event hook), for the tour to show."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    async def on_request(self, request: httpx.Request) -> None:
        """Keep the request (its headers are final: auth has run)."""
        self.requests.append(request)

    async def on_response(self, response: httpx.Response) -> None:
        """Keep the status."""
        self.statuses.append(response.status_code)

    def client(self) -> httpx.AsyncClient:
        """An httpx client that reports to this recorder."""
        return httpx.AsyncClient(
            timeout=10.0,
            event_hooks={"request": [self.on_request], "response": [self.on_response]},
        )

    def headers_of_last(self) -> str:
        """The last request's auth-related headers, as a log would show them (masked)."""
        headers = self.requests[-1].headers
        shown = [f"Authorization: {redact(headers.get('authorization', '<none>'))}"]
        shown.append(f"channel: {headers.get('channel', '<not sent>')}")
        return ", ".join(shown)


def webhook_receiver(record: Callable[[bytes, httpx.Headers], Awaitable[int]]) -> Starlette:
    """A tiny merchant server: hands the RAW body and headers to ``record``."""

    async def receive(request: Request) -> Response:
        raw = await request.body()  # the raw bytes: never a re-serialised body
        status = await record(raw, httpx.Headers(request.headers.raw))
        return Response(status_code=status)

    return Starlette(routes=[Route("/hook", receive, methods=["POST"])])


# ── dptcay ─────────────────────────────────────────────────────────────────────


async def dptcay_tour(base_url: str, sandbox: DptcaySandbox, events: list[bytes]) -> None:
    """Currencies, a payment's life, a refund, a webhook, key rotation."""
    heading("dptcay: crypto payments  (sandbox at " + base_url + ")")
    wire = Wire()
    async with AsyncDptcayClient(
        sandbox.write_key, base_url=base_url, http_client=wire.client()
    ) as dp:
        currencies = await dp.currencies.list()
        say("  Supported currencies (GET /currencies):")
        say(f"    {'code':6} {'network':10} {'rate (USD)':>14} {'network fee':>12} {'confirms':>8}")
        for c in currencies:
            say(
                f"    {c.code:6} {c.network or '':10} {c.exchange_rate!s:>14} "
                f"{c.network_fee!s:>12} {c.confirmations_required!s:>8}"
            )
        expect(len(currencies) > 0, "the sandbox lists currencies")
        step(f"{len(currencies)} currencies; rate limit: {currencies.rate_limit}")

        payment = await dp.payments.create(
            amount=Decimal("125.50"), currency="USDC", network="ethereum", order_id="A-1"
        )
        expect(str(payment.status) == "pending", "a new payment is pending")
        step(f"created {payment!r}")
        say(f"    pay {payment.amount} {payment.currency} to {payment.wallet_address}")

        # The sandbox-only control route moves the payment along, as the chain would.
        moved = await wire.client().post(
            f"{base_url}/_sandbox/payments/{payment.id}/transition",
            json={"status": "completed"},
            headers={"Authorization": f"Bearer {sandbox.write_key}"},
        )
        expect(moved.status_code == 200, "the sandbox control route completes the payment")
        payment = await dp.payments.get(payment.id)
        expect(str(payment.status) == "completed", "the payment reads back completed")
        step(f"after the sandbox control route: status={payment.status}")

        refund = await dp.refunds.create(payment_id=payment.id, amount=Decimal(10), reason="demo")
        payment = await dp.payments.get(payment.id)
        expect(str(payment.status) == "partially_refunded", "a partial refund shows on the payment")
        step(
            f"refunded {refund.amount} {refund.currency} ({refund.id}); payment is {payment.status}"
        )

        endpoint = await dp.webhooks.register(
            url="https://merchant.example/hook", events=["payment.completed"]
        )
        step(
            f"registered webhook endpoint {endpoint.id} for {', '.join(map(str, endpoint.events))}"
        )
        await _dptcay_webhook(dp, sandbox, events)
        await _rotation(dp, base_url)


async def _dptcay_webhook(
    dp: AsyncDptcayClient, sandbox: DptcaySandbox, events: list[bytes]
) -> None:
    second = await dp.payments.create(amount=Decimal(42), currency="USDC", order_id="A-2")
    sandbox.transition_payment(second.id, "completed")
    await sandbox.flush_webhooks()
    expect(len(events) > 0, "the sandbox delivered a payment.completed event")
    event = dptcay_sdk.parse_event(events[-1])
    expect(str(event.type) == "payment.completed", "the delivery is a payment.completed event")
    # dptcay deliveries carry no signature: the object fetched back is the truth.
    truth = await dp.webhooks.fetch_event_object(event)
    expect(truth.id == second.id and str(truth.status) == "completed", "the event checks out")
    step(f"received {event.type} for {truth.id}; fetched back from the API: {truth.status}")


async def _rotation(dp: AsyncDptcayClient, base_url: str) -> None:
    old_key = dp.api_key.get_secret_value()
    payment = await dp.payments.create(amount=Decimal(5), currency="USDC")
    failures: list[BaseException] = []
    done = 0

    async def reader() -> None:
        nonlocal done
        for _ in range(5):
            try:
                await dp.payments.get(payment.id)
                done += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported below
                failures.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(40):
            tg.start_soon(reader)
        new = await dp.rotate_key(scope="write", label="demo-rotated")
    expect(not failures, f"no request failed during rotation ({failures[:1]!r})")
    async with httpx.AsyncClient() as raw:
        old = await raw.get(
            f"{base_url}/currencies", headers={"Authorization": f"Bearer {old_key}"}
        )
    expect(old.status_code == 401, "the old key is revoked")
    step(f"rotated to {new.key!r} while {done} reads ran: 0 failed; old key now gets 401")


async def dptcay_rate_limit_tour(base_url: str, sandbox: DptcaySandbox) -> None:
    """The same burst with and without the client-side throttle."""
    heading("dptcay: a 5 requests / 2 s plan, hit on purpose")
    payment_id = (await _create(base_url, sandbox)).id
    await anyio.sleep(2.1)
    retry = RetryPolicy(max_retries=5, max_rate_limit_wait=5.0)
    for label, rate_plan in (("retry on 429", None), ("client throttle", (5, 2.0))):
        wire = Wire()
        client = AsyncDptcayClient(
            sandbox.write_key,
            base_url=base_url,
            http_client=wire.client(),
            retry=retry,
            rate_plan=rate_plan,
        )
        async with client:
            start = time.monotonic()
            async with anyio.create_task_group() as tg:
                for _ in range(8):
                    tg.start_soon(client.payments.get, payment_id)
            elapsed = time.monotonic() - start
        rejected = wire.statuses.count(429)
        say(f"  8 reads, {label:15}: {elapsed:4.1f} s, {rejected} x 429 from the server")
        if rate_plan is None:
            expect(rejected > 0, "without a throttle the burst collects 429s")
            step("the SDK waited out each 429 per Retry-After and every read succeeded")
        else:
            expect(rejected == 0, "the throttle keeps the client under the limit")
            step("the throttle spaced the reads inside the plan: no 429 at all")
        await anyio.sleep(2.1)  # let the window empty between the two runs


async def _create(base_url: str, sandbox: DptcaySandbox) -> Any:
    async with AsyncDptcayClient(sandbox.write_key, base_url=base_url) as dp:
        return await dp.payments.create(amount=Decimal(1), currency="USDC")


# ── Dancity ────────────────────────────────────────────────────────────────────


async def dancity_tour(base_url: str, sandbox: DancitySandbox, inbox: list[str]) -> None:
    """Both route families, purchases, FAILED inside a 200, webhooks, refusals."""
    heading("Dancity: VAS (merchant key) and App (JWT) routes  (sandbox at " + base_url + ")")
    wire = Wire()
    jwt = sandbox.issue_jwt()
    async with AsyncDancityClient(
        sandbox.api_key,
        jwt=jwt,
        base_url=base_url,
        api_version="2026-04-27",  # the generation of the guide's GET /cable/validate
        http_client=wire.client(),
    ) as dc:
        wallet = await dc.app.wallet.get(sandbox.wallet_id)
        expect("channel" not in wire.requests[-1].headers, "App routes never send channel")
        step(f"App family: wallet balance ₦{wallet.balance} ({wire.headers_of_last()})")

        check = await dc.vas.cable.validate(
            smartcard_number="1234567890", cablename="GOTV", cableplan="GOtv_Max"
        )
        expect(wire.requests[-1].headers.get("channel") == "API", "VAS routes send channel: API")
        step(f"VAS family: smartcard belongs to {check.customer_name} ({wire.headers_of_last()})")

        tx = await dc.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=Decimal(200), pin="1234"
        )
        expect(tx.succeeded, "the airtime purchase succeeds")
        step(f"airtime: {tx!r}")

        failed = await dc.vas.airtime.buy(
            product="MTN Airtime", phone="08012340000", amount=Decimal(100), pin="1234"
        )
        expect(not failed.succeeded and failed.failed, "a FAILED vend inside a 200 is reported")
        step(f"HTTP 200 but the vend failed: succeeded={failed.succeeded} {failed!r}")
        say(f"    provider said: {failed.api_response}")

        again = await dc.vas.transactions.get(tx.tranx_id or tx.id or "")
        expect(again.tranx_id == tx.tranx_id, "the requery finds the purchase")
        step(f"requery {again.tranx_id}: {again.status}")

        await _unknown_outcome(dc, sandbox)
        expect(any(e.startswith("transaction.success") for e in inbox), "a webhook was verified")
        step(f"signed webhooks received and verified: {', '.join(sorted(set(inbox)))}")
        tampered = await _post_tampered(sandbox)
        expect(tampered, "a tampered webhook body is refused")
        step("a webhook body changed in transit is refused (signature mismatch)")

    await _esim_on_the_newest_generation(base_url, sandbox)
    await _refusals(base_url, jwt)


async def _esim_on_the_newest_generation(base_url: str, sandbox: DancitySandbox) -> None:
    """The same account through another generation: its prefix, its fields, eSIMs."""
    wire = Wire()
    async with AsyncDancityClient(
        sandbox.api_key,
        base_url=base_url,
        api_version="2026-05-31",  # /api/v1: no pin in buy bodies
        http_client=wire.client(),
    ) as dc:
        packages = await dc.vas.esim.packages(region_code="NG")
        package = packages.packages[0]
        code = package.package_code or ""
        esim = await dc.vas.esim.purchase(package_code=code, customer_ref="TRIP-1")
        sent = wire.requests[-1]
        expect(sent.url.path == "/api/v1/esim/purchase", "2026-05-31 lives under /api/v1")
        expect(b'"pin"' not in sent.content, "2026-05-31 buy bodies carry no pin")
        expect(esim.succeeded and bool(esim.iccid), "the eSIM is issued with an ICCID")
        step(f"switched to api_version='2026-05-31': POST {sent.url.path}, no pin in the body")
        step(f"eSIM {package.package_code} bought: ICCID {esim.iccid}, {esim.status}")
        details = await dc.vas.esim.details("TRIP-1")
        expect(details.iccid == esim.iccid, "the eSIM is found again by our reference")
        step(f"eSIM details by customerRef: {details.iccid}")


async def _unknown_outcome(dc: AsyncDancityClient, sandbox: DancitySandbox) -> None:
    sandbox.fail_next("server_error")  # the sandbox vends, then answers 500
    try:
        await dc.vas.airtime.buy(
            product="MTN Airtime",
            phone="08087654321",
            amount=Decimal(300),
            pin="1234",
            customer_ref="ORDER-77",
        )
    except OutcomeUnknownError as exc:
        expect(exc.reference == "ORDER-77", "the unknown outcome carries our reference")
        step(f"a 500 after sending: OutcomeUnknownError(reference={exc.reference!r}), not retried")
        tx = await dc.vas.transactions.reconcile("ORDER-77", interval=0.05, timeout=5)
        expect(tx.succeeded, "reconciliation finds the purchase the server did make")
        step(f"reconciled by reference instead of buying again: {tx.status} {tx.tranx_id}")
        return
    raise DemoStepError("a 500 after a purchase must raise OutcomeUnknownError")


async def _post_tampered(sandbox: DancitySandbox) -> bool:
    delivery = sandbox.deliveries[-1]
    try:
        dancity_webhooks.verify(delivery.body + b" ", delivery.signature, sandbox.webhook_secret)
    except dancity_webhooks.WebhookSignatureError:
        return True
    return False


async def _refusals(base_url: str, jwt: str) -> None:
    wire = Wire()
    async with AsyncDancityClient(jwt=jwt, base_url=base_url, http_client=wire.client()) as dc:
        try:
            await dc.vas.wallet.balances()
        except MissingCredentialError as exc:
            expect(not wire.requests, "nothing was sent")
            step("a JWT-only client refuses VAS routes before any network I/O:")
            say(f"    {type(exc).__name__}: {str(exc)[:150]}…")
            return
    raise DemoStepError("a JWT must never be sent to a VAS route")


# ── running it ─────────────────────────────────────────────────────────────────


@contextmanager
def sandboxes() -> Iterator[dict[str, Any]]:
    """Serve the three sandboxes on loopback, each with a webhook receiver."""
    dptcay_events: list[bytes] = []
    dancity_inbox: list[str] = []
    secret_holder: list[str] = []

    async def dptcay_hook(raw: bytes, _: httpx.Headers) -> int:
        dptcay_events.append(raw)
        return 200

    async def dancity_hook(raw: bytes, headers: httpx.Headers) -> int:
        try:
            event = dancity_webhooks.parse_event(
                raw, headers.get(dancity_webhooks.SIGNATURE_HEADER), secret_holder
            )
        except dancity_webhooks.WebhookSignatureError:
            return 401
        dancity_inbox.append(str(event.event))
        return 200

    dptcay = DptcaySandbox(
        plan="scale",  # the tour makes a few hundred calls; the limited sandbox shows 429s
        webhook_transport=httpx.ASGITransport(app=webhook_receiver(dptcay_hook)),
    )
    limited = DptcaySandbox(plan=RatePlan(limit=5, window=2.0, name="demo"))
    dancity = DancitySandbox(
        webhook_url="https://merchant.example/hook",
        webhook_transport=httpx.ASGITransport(app=webhook_receiver(dancity_hook)),
    )
    secret_holder.append(dancity.webhook_secret)
    with ExitStack() as stack:
        yield {
            "dptcay": (stack.enter_context(dptcay.serve_in_thread()), dptcay, dptcay_events),
            "limited": (stack.enter_context(limited.serve_in_thread()), limited),
            "dancity": (stack.enter_context(dancity.serve_in_thread()), dancity, dancity_inbox),
        }


async def tour(servers: dict[str, Any]) -> None:
    """Every step, in order."""
    await dptcay_tour(*servers["dptcay"])
    await dptcay_rate_limit_tour(*servers["limited"])
    await dancity_tour(*servers["dancity"])


def main() -> int:
    """Run the tour; 0 when every step behaved as documented."""
    say("dptcay-dancity-sdk tour: both APIs against their sandboxes on loopback")
    try:
        with sandboxes() as servers:
            anyio.run(tour, servers)
    except DemoStepError as failure:
        say(f"\n✗ FAILED: expected {failure}")
        return 1
    say("\nEvery step behaved as documented.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
