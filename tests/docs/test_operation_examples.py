"""Every example on the "Dancity operations" page runs as written, against the sandbox.

The page is generated (``docs/operations.py``); each example is run as a reader would paste
it into ``async with AsyncDancityClient(...) as client:`` on a client of the generation the
example names (the default one otherwise), with the few names an example says come from
earlier calls (``tx``, ``card``, ``error``, ``wallet_id``...) bound the way a reader's code
would have bound them.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox

ROOT = Path(__file__).resolve().parents[2]


def _operations() -> ModuleType:
    spec = importlib.util.spec_from_file_location("operations", ROOT / "docs/operations.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("operations", module)
    spec.loader.exec_module(module)
    return module


EXAMPLES = re.findall(r"```python\n(.*?)```", _operations().page(), re.DOTALL)


def test_there_is_an_example_per_method() -> None:
    assert len(EXAMPLES) >= 42  # 38 VAS methods and 4 App ones today


async def _context(client: AsyncDancityClient, sandbox: DancitySandbox, block: str) -> Any:
    """The names the example says an earlier call gave (``tx``, ``card``, ``error``...)."""
    names: dict[str, Any] = {"client": client, "Decimal": Decimal, "wallet_id": sandbox.wallet_id}
    if "esim" in block:
        found = await client.vas.esim.packages(region_code="NG")
        code = found.packages[0].package_code
        assert code is not None
        names["tx"] = await client.vas.esim.purchase(package_code=code)
    elif client.takes("airtime.buy", "pin"):
        names["tx"] = await client.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=Decimal(200), pin="1234"
        )
    else:
        names["tx"] = await client.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=Decimal(200)
        )
    names["error"] = type("Error", (), {"reference": names["tx"].sent_customer_ref})
    if "card." in block:
        names["card"] = await client.vas.cards.create()
    if "product_id" in block:
        names["product_id"] = (await client.vas.catalog.products())[0].id
    if "service_id" in block:
        names["service_id"] = (await client.vas.catalog.services())[0].id
    return names


@pytest.mark.anyio
@pytest.mark.parametrize("block", EXAMPLES, ids=lambda b: re.findall(r"client\.[\w.]+", b)[-1])
async def test_the_example_runs_as_written(block: str) -> None:
    named = re.search(r'api_version="([\d-]+)"', block)
    version = named.group(1) if named else None
    sandbox = DancitySandbox(api_version=version) if version else DancitySandbox()
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    async with (
        httpx.AsyncClient(transport=transport, base_url=sandbox.base_url) as http,
        AsyncDancityClient(
            api_key=sandbox.api_key,
            jwt=sandbox.issue_jwt(),
            base_url=sandbox.base_url,
            http_client=http,
            api_version=version,
        ) as client,
    ):
        names = await _context(client, sandbox, block)
        code = compile(block, "<example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        pending = eval(code, names)  # noqa: S307 - the page's own example, on the sandbox
        if pending is not None:
            await pending
