"""The Dancity sandbox over real loopback sockets, its CLI and its optional-extra guard."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from dancity_sdk.testing import DancitySandbox
from dancity_sdk.testing.__main__ import main

G1 = "/api/external/v1"


def key(sandbox: DancitySandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.api_key}", "channel": "API"}


@pytest.mark.anyio
async def test_serve_in_thread_answers_over_a_loopback_socket() -> None:
    sandbox = DancitySandbox()
    body = {"product": "MTN Airtime", "phone": "08012345678", "amount": 200, "pin": sandbox.PIN}
    with sandbox.serve_in_thread(port=0) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            wallets = await http.get(f"{G1}/wallet", headers=key(sandbox))
            bought = await http.post(f"{G1}/airtime/buy", json=body, headers=key(sandbox))
            sandbox.set_allowlist([])
            denied = await http.get(f"{G1}/wallet", headers=key(sandbox))
    assert wallets.status_code == 200
    assert wallets.headers["X-RateLimit-Limit"] == "120"
    assert bought.json()["data"]["amountPaid"] == 197
    assert sandbox.transactions[0]["number"] == "08012345678"
    assert denied.status_code == 401
    assert denied.json()["message"] == "Invalid API key or IP not allowlisted"


@pytest.mark.anyio
async def test_drop_fault_closes_the_socket_after_processing() -> None:
    sandbox = DancitySandbox()
    body = {"product": "Glo Airtime", "phone": "08012345678", "amount": 100, "pin": sandbox.PIN}
    sandbox.fail_next("drop")
    with sandbox.serve_in_thread() as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            with pytest.raises(httpx.TransportError):
                await http.post(f"{G1}/airtime/buy", json=body, headers=key(sandbox))
    assert len(sandbox.transactions) == 1


@pytest.mark.anyio
async def test_delay_fault_trips_a_real_client_timeout() -> None:
    sandbox = DancitySandbox()
    body = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100}
    sandbox.fail_next("delay", delay=5)
    with sandbox.serve_in_thread() as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=0.3) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.post("/api/v1/airtime/buy", json=body, headers=key(sandbox))
    assert len(sandbox.transactions) == 1


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])  # noqa: S104 - refused
def test_non_loopback_hosts_are_refused(host: str) -> None:
    sandbox = DancitySandbox()
    with pytest.raises(ValueError, match="loopback"), sandbox.serve_in_thread(host=host):
        pass


def test_cli_refuses_non_loopback_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--host", "0.0.0.0"])  # noqa: S104 - the point is that it is refused
    assert exited.value.code == 2
    assert "loopback" in capsys.readouterr().err


def test_cli_accepts_only_the_published_api_versions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--api-version", "2026-06-01"])
    assert exited.value.code == 2
    assert "2026-05-09" in capsys.readouterr().err


@pytest.fixture
def cli() -> Iterator[dict[str, str]]:
    command = [sys.executable, "-m", "dancity_sdk.testing", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - fixed argv
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline()]
        while not lines[-1].startswith("# Press Ctrl+C") and len(lines) < 20:
            lines.append(process.stdout.readline())
        exports = [line.split("#", 1)[0].strip() for line in lines if line.startswith("export ")]
        assert lines[-1].startswith("# Press Ctrl+C")
        assert "# /api/external/v1 speaks api_version 2026-04-27\n" in lines
        yield dict(line.removeprefix("export ").split("=", 1) for line in exports)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.anyio
async def test_cli_prints_working_credentials(cli: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {cli['DANCITY_API_KEY']}", "channel": "API"}
    jwt = {"Authorization": f"Bearer {cli['DANCITY_JWT']}"}
    async with httpx.AsyncClient(base_url=cli["DANCITY_BASE_URL"], timeout=10) as http:
        wallets = await http.get(f"{G1}/wallet", headers=headers)
        wallet = await http.get(f"/api/wallet/{cli['DANCITY_WALLET_ID']}", headers=jwt)
    assert wallets.status_code == 200
    assert wallet.json()["data"]["_id"] == cli["DANCITY_WALLET_ID"]
    assert cli["DANCITY_WEBHOOK_SECRET"]


def test_import_without_starlette_names_the_extra() -> None:
    code = "import sys; sys.modules['starlette'] = None; import dancity_sdk.testing"
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "pip install 'dptcay-dancity-sdk[sandbox]'" in result.stderr
