"""The FastAPI example driven by the Dancity sandbox CLI's export lines, exactly as printed.

A reader starts ``python -m dancity_sdk.testing`` (with or without ``--api-version``), pastes
its ``export`` lines and runs the example: ``POST /airtime`` must then succeed, whether the
generation served takes a transaction PIN (``DANCITY_PIN`` printed) or not (not printed).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from dancity_sdk import _spec
from dptcay_sdk import AsyncDptcayClient
from examples.fastapi_app import create_app
from tests._sandbox_cli import sandbox_cli

pytestmark = pytest.mark.anyio

#: The generation whose buys take a PIN: the only one whose declarations have one.
_PIN_GENERATION = next(
    v for v, g in _spec.GENERATIONS.items() if "airtime.buy" in g.declaring("pin")
)


@pytest.fixture(
    scope="module",
    params=[pytest.param((), id="default"), pytest.param(("--api-version", _PIN_GENERATION))],
)
def printed(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str]]]:
    with sandbox_cli("dancity_sdk.testing", *request.param) as found:
        yield found


def test_the_exports_name_their_generation_and_a_pin_only_where_it_is_taken(
    printed: tuple[str, dict[str, str]],
) -> None:
    banner, exports = printed
    version = exports["DANCITY_API_VERSION"]
    generation = _spec.GENERATIONS[version]
    takes_pin = bool(generation.declaring("pin"))
    assert f"serve api_version {version} ({generation.prefix})" in banner
    assert ("DANCITY_PIN" in exports) is takes_pin
    assert ("takes a transaction PIN" in banner) is takes_pin


async def test_post_airtime_succeeds_with_the_printed_exports(
    printed: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, exports = printed
    for name in ("DANCITY_PIN", "DANCITY_API_VERSION", "DANCITY_VAS_PREFIX", "DANCITY_JWT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in exports.items():
        monkeypatch.setenv(name, value)
    # The webhook route is not under test here (without a secret it opens no inbox).
    monkeypatch.delenv("DANCITY_WEBHOOK_SECRET")
    app = create_app(
        # dptcay is not under test: a client that is never called.
        dptcay_client_factory=lambda: AsyncDptcayClient(
            "dp_test_sk_" + "a1B2" * 6, base_url="http://127.0.0.1:9/v1"
        ),
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://app") as http,
    ):
        assert app.state.dancity.api_version == exports["DANCITY_API_VERSION"]
        response = await http.post(
            "/airtime",
            json={"product": "MTN Airtime", "phone": "08012345678", "amount": "200"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "SUCCESS"
