"""The distribution: one version everywhere, the licence, URLs, extras, entry point, sdist."""

from __future__ import annotations

import email
import tarfile
import zipfile
from pathlib import Path

import httpx
import pytest
from hatchling.builders.sdist import SdistBuilder
from hatchling.builders.wheel import WheelBuilder

import dancity_sdk
import dptcay_sdk
import shared_auth
from dancity_sdk import AsyncDancityClient
from dptcay_sdk import AsyncDptcayClient

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = {"sandbox", "fast", "examples", "otel"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"])
    (sdist,) = SdistBuilder(str(ROOT)).build(directory=str(out), versions=["standard"])
    return Path(wheel), Path(sdist)


def test_one_version_everywhere(built: tuple[Path, Path]) -> None:
    version = shared_auth.__version__
    assert dptcay_sdk.__version__ == dancity_sdk.__version__ == version
    assert built[0].name.startswith(f"dptcay_dancity_sdk-{version}-")


def test_the_wheel_has_the_licence_urls_extras_and_the_pytest_plugin(
    built: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(built[0]) as wheel:
        names = wheel.namelist()
        info = next(n.rsplit("/", 1)[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert f"{info}/licenses/LICENSE" in names
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert metadata["License-Expression"] == "MIT"
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    assert set(metadata.get_all("Provides-Extra") or []) >= EXTRAS
    assert "[pytest11]" in entry_points
    for plugin in ("shared_auth", "dptcay_sdk", "dancity_sdk"):
        assert f"{plugin}.pytest_plugin" in entry_points


def test_the_sdist_carries_what_its_tests_need(built: tuple[Path, Path]) -> None:
    with tarfile.open(built[1]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for needed in ("LICENSE", "examples/fastapi_app.py", "examples/tour.ipynb", "mkdocs.yml"):
        assert needed in names, needed
    assert any(n.startswith("docs/") for n in names)


@pytest.mark.anyio
async def test_the_user_agents_carry_the_version() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["User-Agent"])
        return httpx.Response(200, json={"success": True, "data": []})

    transport = httpx.MockTransport(answer)
    async with httpx.AsyncClient(transport=transport) as http:
        dp = AsyncDptcayClient("dp_test_sk_" + "0" * 24, http_client=http)
        dc = AsyncDancityClient("dcy_live_" + "ab" * 20, http_client=http, throttle=False)
        await dp.currencies.list()
        await dc.vas.wallet.balances()
    version = shared_auth.__version__
    assert seen == [f"dptcay-sdk-python/{version}", f"dancity-sdk-python/{version}"]
