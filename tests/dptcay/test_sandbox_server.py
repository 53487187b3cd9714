"""The dptcay sandbox over a real loopback socket: ``serve_in_thread`` and the CLI."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

import httpx
import pytest

from dptcay_sdk.testing import DptcaySandbox, RatePlan
from dptcay_sdk.testing.__main__ import main

URL_RE = re.compile(r"http://127\.0\.0\.1:(\d+)/v1")


@pytest.mark.anyio
async def test_serve_in_thread_over_loopback(caplog: pytest.LogCaptureFixture) -> None:
    sb = DptcaySandbox(plan=RatePlan(limit=50, window=60.0, name="test"))
    doomed = sb.create_key(scope="read")
    caplog.set_level(logging.DEBUG)
    with sb.serve_in_thread(port=0) as base_url:
        assert URL_RE.fullmatch(base_url)
        headers = {"Authorization": f"Bearer {sb.write_key}"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:
            created = await http.post("/payments/create", json={"amount": "1", "currency": "BTC"})
            fetched = await http.get(f"/payments/{created.json()['id']}")
            revoked = await http.delete(f"/keys/{doomed}")
        async with httpx.AsyncClient(base_url=base_url) as anonymous:
            refused = await anonymous.get("/currencies")
    assert created.status_code == 200
    assert fetched.json() == created.json()
    assert fetched.headers["X-RateLimit-Limit"] == "50"
    assert fetched.headers["X-RateLimit-Remaining"] == "48"
    assert revoked.json()["revoked"] is True
    assert refused.status_code == 401
    # Paths carry keys (DELETE /v1/keys/{key}): the server must log neither paths nor
    # keys. (httpx's own client-side request lines are the client's business.)
    server_logs = [r.getMessage() for r in caplog.records if r.name.startswith("uvicorn")]
    assert server_logs  # the server did log (startup/shutdown), just not the secrets
    assert not [line for line in server_logs if doomed in line or "/v1/" in line]
    # Stopped cleanly: the port no longer answers.
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as late:
        with pytest.raises(httpx.ConnectError):
            await late.get("/currencies")


def test_serve_in_thread_works_from_sync_code_and_restarts() -> None:
    sb = DptcaySandbox()
    for host in ("127.0.0.1", "localhost"):
        with sb.serve_in_thread(host=host) as base_url:
            response = httpx.get(
                f"{base_url}/currencies", headers={"Authorization": f"Bearer {sb.read_key}"}
            )
        assert response.status_code == 200


# Each host is refused, never bound: the point of the test.
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])  # noqa: S104
def test_serve_in_thread_refuses_non_loopback_hosts(host: str) -> None:
    with (
        pytest.raises(ValueError, match="non-loopback"),
        DptcaySandbox().serve_in_thread(host=host),
    ):
        pytest.fail("must not serve")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--host", "0.0.0.0"], "non-loopback host '0.0.0.0'"),  # noqa: S104 - refused
        (["--window", "5"], "--window needs --limit"),
        (["--limit", "0"], "limit must be at least 1"),
        (["--plan", "enterprise"], "invalid choice"),
    ],
)
def test_cli_refuses_bad_arguments(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    assert fragment in capsys.readouterr().err


def test_cli_serves_and_prints_keys_and_base_url() -> None:
    command = [sys.executable, "-m", "dptcay_sdk.testing", "--port", "0", "--limit", "2"]
    # A fixed argv of the running interpreter: no untrusted input reaches the process.
    process = subprocess.Popen(  # noqa: S603
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        banner = "".join(process.stdout.readline() for _ in range(5))
        base_url = URL_RE.search(banner)
        write_key = re.search(r"export DPTCAY_API_KEY=(dp_test_sk_[A-Za-z0-9]{24})", banner)
        read_key = re.search(r"export DPTCAY_READ_KEY=(dp_test_sk_[A-Za-z0-9]{24})", banner)
        assert base_url is not None, banner
        assert write_key is not None, banner
        assert read_key is not None, banner
        assert "2 requests / 60 s" in banner
        url = base_url.group(0)
        with httpx.Client(base_url=url, timeout=5) as http:
            # The banner is printed before uvicorn's loop starts, but the socket is
            # already bound and listening queues the connection until it does.
            response = http.get(
                "/currencies", headers={"Authorization": f"Bearer {read_key.group(1)}"}
            )
            revoked = http.delete(
                f"/keys/{read_key.group(1)}",
                headers={"Authorization": f"Bearer {write_key.group(1)}"},
            )
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "2"
        assert revoked.status_code == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert read_key.group(1) not in stderr
