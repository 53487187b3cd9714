"""The blocking twins: exit never hangs, interrupts cancel, many threads share one client."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import pytest

from dancity_sdk import DancityClient
from dptcay_sdk import (
    APITimeoutError,
    ClientClosedError,
    DptcayClient,
    OutcomeUnknownError,
)
from dptcay_sdk.testing import DptcaySandbox
from dptcay_sdk.testing._server import serve_in_thread
from shared_auth._sync import unknown_outcome
from shared_auth.testing import FaultInjector

ROOT = Path(__file__).resolve().parents[2]
DANCITY_KEY = "dcy_live_" + "a1" * 20
_WAIT = 60.0


class Served:
    def __init__(self, sandbox: DptcaySandbox, faults: FaultInjector, url: str) -> None:
        self.sandbox = sandbox
        self.faults = faults
        self.url = url

    def payments(self) -> list[str]:
        return list(self.sandbox._store._payments)

    def wait_abandoned(self, count: int) -> None:
        deadline = time.monotonic() + _WAIT
        while self.faults.abandoned < count and time.monotonic() < deadline:
            time.sleep(0.01)


@pytest.fixture
def served() -> Iterator[Served]:
    sandbox = DptcaySandbox(plan="scale")
    faults = FaultInjector(sandbox.app)
    with serve_in_thread(faults, host="127.0.0.1", port=0) as url:
        yield Served(sandbox, faults, url)


def _python(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.Popen[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    return subprocess.Popen(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-W", "always::ResourceWarning", str(script)],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_unclosed_client_does_not_hang_interpreter_exit(tmp_path: Path) -> None:
    child = _python(
        """
        from dancity_sdk import DancityClient
        from dptcay_sdk import DptcayClient

        dc = DancityClient.from_env()  # at module level, never closed, no call made
        dp = DptcayClient("dp_test_sk_" + "0" * 24)
        print("built", flush=True)
        """,
        {"DANCITY_API_KEY": DANCITY_KEY},
        tmp_path,
    )
    try:
        stdout, stderr = child.communicate(timeout=_WAIT)  # a hang fails here
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 0, stderr
    assert stdout == "built\n"
    assert "ResourceWarning: unclosed DancityClient" in stderr
    assert "ResourceWarning: unclosed DptcayClient" in stderr


def _abandon_a_client() -> threading.Thread:
    client = DptcayClient("dp_test_sk_" + "0" * 24)
    assert client._loop.thread.daemon
    return client._loop.thread  # the client itself is dropped here, unclosed


def test_an_unclosed_client_warns_when_collected_and_stops_its_thread() -> None:
    with pytest.warns(ResourceWarning, match="unclosed DptcayClient"):
        thread = _abandon_a_client()
    gc.collect()
    thread.join(_WAIT)
    assert not thread.is_alive()


def test_ctrl_c_cancels_a_sync_payment_and_attaches_the_unknown_outcome(
    served: Served, tmp_path: Path
) -> None:
    served.faults.delay_next(_WAIT, method="POST", path="/payments")  # a slow sandbox
    child = _python(
        """
        import json, os
        from decimal import Decimal
        from dptcay_sdk import DptcayClient
        from dptcay_sdk import unknown_outcome

        with DptcayClient(os.environ["KEY"], base_url=os.environ["URL"]) as dp:
            try:
                dp.payments.create(amount=Decimal(5), currency="USDC", order_id="order-77")
            except KeyboardInterrupt as exc:
                outcome = unknown_outcome(exc)
                print(json.dumps({
                    "raised": type(exc).__name__,
                    "outcome": type(outcome).__name__,
                    "reference": outcome.reference,
                    "cause": type(outcome.__cause__).__name__,
                    "notes": exc.__notes__,
                }))
                raise
        """,
        {"KEY": served.sandbox.write_key, "URL": served.url},
        tmp_path,
    )
    try:
        assert served.faults.delayed.wait(_WAIT), "the payment never reached the sandbox"
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=_WAIT)
    finally:
        child.kill()
        child.wait()
    assert child.returncode != 0
    assert "KeyboardInterrupt" in stderr
    report = json.loads(stdout)
    assert report["raised"] == "KeyboardInterrupt"
    assert report["outcome"] == "OutcomeUnknownError"
    assert report["reference"] == "order-77"
    assert report["cause"] == "KeyboardInterrupt"
    assert "POST /payments/create was sent but its outcome is unknown" in report["notes"][0]
    # The call was cancelled, not left running: its connection closed while the sandbox
    # held it, and the payment was never created (the old twin created it seconds later).
    served.wait_abandoned(1)
    assert served.faults.abandoned == 1
    assert served.payments() == []
    assert "Traceback" in stderr
    assert "ResourceWarning" not in stderr


class _AlarmError(Exception):
    pass


def _raise_alarm(signum: int, frame: FrameType | None) -> None:
    raise _AlarmError


def test_any_exception_in_the_calling_thread_cancels_the_call(served: Served) -> None:
    served.faults.delay_next(_WAIT, method="POST", path="/payments")
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    try:
        with DptcayClient(served.sandbox.write_key, base_url=served.url) as dp:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(_AlarmError) as caught:
                dp.payments.create(amount=Decimal(5), currency="USDC", order_id="order-9")
            assert served.faults.delayed.is_set()
            # The client is still usable after a cancelled call.
            assert len(dp.currencies.list()) > 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    outcome = unknown_outcome(caught.value)
    assert isinstance(outcome, OutcomeUnknownError)
    assert outcome.reference == "order-9"
    served.wait_abandoned(1)
    assert served.payments() == []


def test_an_interrupted_read_has_no_unknown_outcome(served: Served) -> None:
    served.faults.delay_next(_WAIT, method="GET", path="/currencies")
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    try:
        with DptcayClient(served.sandbox.write_key, base_url=served.url) as dp:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(_AlarmError) as caught:
                dp.currencies.list()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert unknown_outcome(caught.value) is None
    assert not getattr(caught.value, "__notes__", [])


def test_twenty_threads_share_one_sync_client(served: Served) -> None:
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            payment = dp.payments.create(amount=Decimal(n + 1), currency="USDC", order_id=f"t{n}")
            again = dp.payments.get(payment.id)
            with lock:
                results.append(again.id)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    with DptcayClient(served.sandbox.write_key, base_url=served.url) as dp:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(_WAIT)
    assert errors == []
    assert len(set(results)) == 20
    assert sorted(results) == sorted(served.payments())


def test_a_closed_client_says_so() -> None:
    dp = DptcayClient("dp_test_sk_" + "0" * 24)
    dp.close()
    dp.close()  # idempotent
    assert dp.closed
    with pytest.raises(
        ClientClosedError, match=r"DptcayClient is closed .* payments\.get\(\)"
    ) as info:
        dp.payments.get("pay_1")
    assert isinstance(info.value, RuntimeError)  # as the plain error it replaced was


def test_a_call_from_the_client_s_own_loop_thread_is_refused() -> None:
    with DancityClient(DANCITY_KEY) as dc:

        async def inside_the_loop() -> object:
            return dc.vas.wallet.balances()  # a blocking call where it would wait for itself

        with pytest.raises(RuntimeError, match="own event-loop thread"):
            dc._loop.run("test", inside_the_loop)


@pytest.mark.parametrize("twin", [DptcayClient, DancityClient])
def test_an_httpx_sync_client_is_refused_at_construction(twin: Any) -> None:
    key = "dp_test_sk_" + "0" * 24 if twin is DptcayClient else DANCITY_KEY
    sdk = sys.modules[twin.__module__.partition(".")[0]]
    with httpx.Client() as sync_http, pytest.raises(sdk.ConfigurationError) as caught:
        twin(key, http_client=sync_http)
    assert "httpx.AsyncClient" in str(caught.value)
    with httpx.Client() as sync_http, pytest.raises(sdk.ConfigurationError):
        twin.from_env(http_client=sync_http)


def test_a_misspelt_option_names_the_twins_method_before_any_thread_starts() -> None:
    threads = threading.active_count()
    with pytest.raises(TypeError) as caught:
        DptcayClient("dp_test_sk_" + "0" * 24, rate_plann="growth")  # type: ignore[call-arg]
    assert str(caught.value) == (
        "DptcayClient() got an unexpected keyword argument 'rate_plann'; did you mean 'rate_plan'?"
    )
    with pytest.raises(TypeError, match=r"^DancityClient\.from_env\(\) got .* 'throtle'"):
        DancityClient.from_env(environ={}, throtle=False)  # type: ignore[call-arg]
    assert threading.active_count() == threads
    with DancityClient(DANCITY_KEY) as dc, pytest.raises(TypeError) as caught:
        dc.with_options(timout=1)  # type: ignore[call-arg]
    assert str(caught.value) == (
        "DancityClient.with_options() got an unexpected keyword argument 'timout'; "
        "did you mean 'timeout'?"
    )


def test_with_options_gives_a_blocking_copy_on_the_same_loop(served: Served) -> None:
    with DptcayClient(served.sandbox.write_key, base_url=served.url) as dp:
        quick = dp.with_options(timeout=0.2, max_retries=0)
        assert isinstance(quick, DptcayClient)
        assert quick._loop is dp._loop
        served.faults.delay_next(_WAIT, method="GET", path="/currencies")
        with pytest.raises(APITimeoutError):
            quick.currencies.list()
        with quick:  # closing a copy leaves the original open
            pass
        assert not dp.closed
        assert len(dp.currencies.list()) > 0
    assert quick.closed
