"""Drive every operation of one generation with valid requests and check each exchange.

Each request is first validated against the official description (openapi-core), so the
scenario itself is proven spec-valid; each answer is then validated against the official
response shapes (``_shapes``). Failures are collected, not raised, so a run reports them all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

import httpx
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from dancity_sdk import _spec
from dancity_sdk.testing import DancitySandbox
from tests.dancity.official_sandbox._shapes import official_shapes

SERVER: Final = "https://api.dancity.app"
PHONE: Final = "08012345678"
METER: Final = "45012345678"
SMARTCARD: Final = "1234567890"


@dataclass
class Run:
    """What one scenario did: the operations it reached and every violation it met."""

    api_version: str
    covered: set[str] = field(default_factory=set)
    responses: int = 0
    request_violations: list[str] = field(default_factory=list)
    response_violations: list[str] = field(default_factory=list)


class Exerciser:
    """Sends requests to one sandbox in-process and validates both directions."""

    def __init__(self, sandbox: DancitySandbox, api_version: str, http: httpx.AsyncClient) -> None:
        self.sandbox = sandbox
        self.generation = _spec.GENERATIONS[api_version]
        self.openapi = OpenAPI.from_dict(official_shapes(api_version))
        self.http = http
        self.run = Run(api_version)
        self.headers = {"Authorization": f"Bearer {sandbox.api_key}", "channel": "API"}

    def has(self, name: str) -> bool:
        """Whether the generation declares operation ``name``."""
        return name in self.generation.operations

    async def call(
        self,
        name: str,
        *path_values: str,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send operation ``name``; return the answer's JSON (``{}`` when not JSON)."""
        operation = self.generation.operations[name]
        path = self.generation.prefix + _fill(operation.path, path_values)
        content = json.dumps(body).encode() if body is not None else b""
        request = MockRequest(
            SERVER,
            operation.method,
            path,
            args=dict(params or {}),
            headers={**self.headers, "Content-Type": "application/json"},
            data=content,
        )
        self._check(
            self.run.request_violations, name, lambda: self.openapi.validate_request(request)
        )
        url = path + (f"?{urlencode(params)}" if params else "")
        answer = await self.http.request(
            operation.method,
            url,
            headers={**self.headers, "Content-Type": "application/json"},
            content=content or None,
        )
        self.run.covered.add(name)
        self.run.responses += 1
        # One finding per answer: a refused valid request, or a body off the official shape.
        problems: list[str] = []
        if answer.status_code >= 300:
            problems.append(f"HTTP {answer.status_code} {answer.text[:200]}")
        response = MockResponse(answer.content, answer.status_code)
        self._check(problems, name, lambda: self.openapi.validate_response(request, response))
        if problems:
            self.run.response_violations.append(f"{name}: " + " | ".join(problems))
        try:
            parsed: dict[str, Any] = answer.json()
        except ValueError:
            return {}
        return parsed

    @staticmethod
    def _check(into: list[str], name: str, validate: Callable[[], None]) -> None:
        try:
            validate()
        except Exception as error:
            cause = error.__cause__ or error
            details = getattr(cause, "schema_errors", None) or [cause]
            text = "; ".join(str(detail).splitlines()[0] for detail in details)
            into.append(f"{name}: {type(error).__name__}: {text[:300]}")


def pick(body: Mapping[str, Any], *keys: str | int) -> str:
    """``body[k1][k2]...`` as text, or ``"unknown"`` when an earlier answer lacked it.

    A failed step must not stop the scenario: the later calls still go out (and fail).
    """
    node: Any = body
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return "unknown"
    return str(node)


def _fill(template: str, values: tuple[str, ...]) -> str:
    path = template
    for value in values:
        start = path.index("{")
        path = path[:start] + value + path[path.index("}", start) + 1 :]
    return path


def _pin(ex: Exerciser, length: int = 4) -> dict[str, str]:
    if ex.run.api_version != "2026-04-27":
        return {}
    return {"pin": DancitySandbox.PIN if length == 4 else DancitySandbox.INTERNET_PIN}


def _external(ex: Exerciser) -> bool:
    return ex.generation.prefix == "/api/external/v1"


async def catalogue(ex: Exerciser) -> None:
    """Wallets, services, products and plans."""
    await ex.call("wallet.list")
    await ex.call("wallet.get", ex.sandbox.wallet_id)
    services = await ex.call("services.list")
    if ex.has("services.get"):
        await ex.call("services.get", pick(services, "allServices", 0, "_id"))
    products = await ex.call("products.list", params={"service": "AIRTIME"})
    if ex.has("products.get"):
        await ex.call("products.get", pick(products, "allProduct", 0, "_id"))
    await ex.call("plans.data", params={"product": "MTN GIFTING"})
    await ex.call("plans.cable", params={"product": "GOTV"})
    await ex.call("plans.internet", params={"product": "Spectranet"})


async def validations(ex: Exerciser) -> None:
    """Cable and meter validation in the generation's own form, and exam pricing."""
    if ex.has("validate"):
        cable = {"type": "cable", "smartcardNumber": SMARTCARD, "cablename": "DSTV"}
        await ex.call("validate", body=cable)
        meter = {"meterNumber": METER, "productName": "IKEDC", "amount": 1000}
        await ex.call("validate", body={"type": "electricity", **meter, "meterType": "prepaid"})
    if ex.has("cable.validate"):
        cable = {"smartcardNumber": SMARTCARD, "cablename": "GOTV"}
        if ex.generation.operations["cable.validate"].method == "GET":
            await ex.call("cable.validate", params={**cable, "cableplan": "GOtv_Max"})
        else:
            await ex.call("cable.validate", body=cable)
    if ex.has("electricity.validate"):
        biller = "billerName" if _external(ex) else "billerCode"
        meter = {"meterNumber": METER, biller: "IKEDC", "amount": 1000, "meterType": "prepaid"}
        await ex.call("electricity.validate", body=meter)
    if ex.has("education.validate_product"):
        body = {"product": "WAEC Result Checker", "quantity": 2}
        await ex.call("education.validate_product", body=body)


async def purchases(ex: Exerciser) -> str:
    """Every VAS buy; returns the airtime purchase's ``tranxId``."""
    airtime = {"product": "MTN Airtime", "phone": PHONE, "amount": 100, "customerRef": "AIR-1"}
    bought = await ex.call("airtime.buy", body={**airtime, **_pin(ex)})
    data = {"plan": "1GB_MTN_GIFTING_1Day", "phone": PHONE, "customerRef": "DATA-1"}
    if _external(ex):
        data["wallettype"] = "main"
    await ex.call("data.buy", body={**data, **_pin(ex)})
    cable = {"smartcardNumber": SMARTCARD, "cableplan": "GOtv_Max", "customerName": "John Doe"}
    if _external(ex):
        cable["cablename"] = "GOTV"
    await ex.call("cable.buy", body={**cable, "customerRef": "CABLE-1", **_pin(ex)})
    await ex.call("electricity.buy", body={**_electricity(ex), **_pin(ex)})
    internet = {"plan": "iplan_001", "accountid": "1234567", "phone": PHONE}
    await ex.call("internet.buy", body={**internet, "customerRef": "NET-1", **_pin(ex, 5)})
    account = "customerIdentifier" if _external(ex) else "account_id"
    betting = {"product": "SportyBet", account: "12345678", "amount": 1000}
    await ex.call("betting.fund", body={**betting, "customerRef": "BET-1", **_pin(ex)})
    exam = "product" if _external(ex) else "exam_name"
    education = {exam: "WAEC Result Checker", "quantity": 2, "customerRef": "EDU-1"}
    await ex.call("education.purchase", body={**education, **_pin(ex)})
    return pick(bought, "data", "tranxId")


def _electricity(ex: Exerciser) -> dict[str, Any]:
    biller = {"2026-04-27": "billerName", "2026-05-09": "productName"}.get(
        ex.run.api_version, "billerCode"
    )
    return {
        "meterNumber": METER,
        biller: "IKEDC",
        "meterType": "prepaid",
        "amount": 1500,
        "customerName": "John Doe",
        "address": "12 Example Street, Lagos",
        "customerRef": "POWER-1",
    }


async def transactions(ex: Exerciser, tranx_id: str) -> None:
    """The list and a requery."""
    await ex.call("transactions.list", params={"page": "1", "limit": "10"})
    await ex.call("transactions.get", tranx_id)


async def esims(ex: Exerciser) -> None:
    """Browse, buy, list, inspect and top up an eSIM."""
    await ex.call("esim.regions", params={"type": "1"})
    packages = {"regionCode": "NG", "type": "BASE"}
    if not _external(ex):
        packages["regionType"] = "country"
    await ex.call("esim.packages", params=packages)
    purchase: dict[str, Any] = {"packageCode": "NG-1GB-7D", "customerRef": "ESIM-1"}
    if _external(ex):
        purchase["wallettype"] = "main"
    bought = await ex.call("esim.purchase", body={**purchase, **_pin(ex)})
    iccid = pick(bought, "data", "iccid")
    await ex.call("esim.topup_packages", params={"iccid": iccid})
    if not _external(ex):
        topup = {"packageCode": "NG-500MB-7D-TOP", "iccid": iccid, "customerRef": "ESIM-2"}
        await ex.call("esim.purchase", body=topup)
    await ex.call("esim.my_esims", params={"page": "1", "limit": "20"})
    await ex.call("esim.details", pick(bought, "data", "tranxId"))
    await ex.call("esim.details", "ESIM-1")


async def cards(ex: Exerciser) -> None:
    """Create, fund, freeze and read a virtual card."""
    if not ex.has("cards.create"):
        return
    await ex.call("cards.exchange_rate")
    created = await ex.call("cards.create", body={"customerRef": "CARD-1"})
    card_id = pick(created, "data", "cardId")
    await ex.call("cards.list")
    fund = {"cardId": card_id, "amount": 10, "action": "fund", "customerRef": "CARD-2"}
    await ex.call("cards.fund", body=fund)
    await ex.call("cards.update", card_id, body={"status": "frozen"})
    await ex.call("cards.get", card_id)
    await ex.call("cards.transactions", card_id, params={"page": "1", "limit": "20"})


async def exercise_every_operation(api_version: str) -> Run:
    """Run the whole scenario against a fresh sandbox speaking ``api_version``."""
    sandbox = DancitySandbox(api_version=api_version, seed=8)
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport, base_url=sandbox.base_url) as http:
        ex = Exerciser(sandbox, api_version, http)
        await catalogue(ex)
        await validations(ex)
        tranx_id = await purchases(ex)
        await transactions(ex, tranx_id)
        await esims(ex)
        await cards(ex)
    return ex.run
