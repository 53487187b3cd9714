"""The soak harness at reduced size: every goal of ``nox -s soak`` must hold here too.

The full counts run in ``nox -s soak`` (``python -m benchmarks.soak``); these run the same
code on a few hundred intents, calls and examples, on asyncio and trio.
"""

from __future__ import annotations

import functools

import anyio
import httpx
import pytest

from benchmarks.soak import _intents, _malformed, _sections
from benchmarks.soak import _world as world
from benchmarks.soak.__main__ import Table
from benchmarks.soak._faults import KINDS, FaultPlan
from benchmarks.soak._sections import AfterSendResult

SEED = 7


@pytest.mark.anyio
async def test_fault_plan_injects_every_kind_in_front_of_a_sandbox() -> None:
    plan = FaultPlan(rate=1.0, seed=SEED, stall=0.01, slow=0.001)
    sb = world.dptcay_sandbox(SEED)
    http = world.in_process(sb.app, plan)
    outcomes: set[str] = set()
    async with world.closing(http):
        for _ in range(200):
            try:
                response = await http.get(f"{sb.base_url}/currencies", headers=_auth(sb))
            except httpx.HTTPError as exc:
                outcomes.add(type(exc).__name__)
            else:
                outcomes.add(str(response.status_code))
    assert set(plan.counts) == set(KINDS)
    assert {"InjectedDisconnectError", "InjectedStallError", "200", "429", "500", "502"} <= outcomes


def _auth(sb: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {sb.write_key}"}  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_faults_no_intent_is_charged_twice_lost_or_misreported() -> None:
    tallies = await _intents.faults(0.05, seed=SEED)  # 200 intents
    for sdk, tally in tallies.items():
        assert tally.intents > 0, sdk
        assert tally.ended["unknown"] > 0, f"{sdk}: no fault produced an unknown outcome"
        assert tally.charged_twice == 0, sdk
        assert tally.without_outcome == 0, sdk
        assert tally.untyped == 0, (sdk, tally.untyped_examples)
        assert tally.charged_as_plain_error == 0, sdk
        assert tally.unsettled == 0, sdk


@pytest.mark.anyio
async def test_load_leaves_no_hung_task_and_no_open_fd() -> None:
    for sdk in ("dptcay", "Dancity"):
        result = await _sections.load(sdk, 300, 50, seed=SEED)
        assert result.ok > 0, sdk
        assert (result.untyped, result.hung, result.fds_left) == (0, 0, 0), (sdk, result)


@pytest.mark.anyio
async def test_random_cancellations_never_return_and_leave_the_client_working() -> None:
    result = await _sections.cancellations(60, seed=SEED)
    assert result.cancelled > 0
    assert result.returned_after_cancel == 0
    assert result.untyped == 0
    assert result.broken_after == 0
    assert result.fds_growth == 0


@pytest.fixture(scope="module", params=["asyncio", "trio"])
def after_send(request: pytest.FixtureRequest) -> AfterSendResult:
    """The after-send soak, run once per event loop and read by both tests below."""
    soak = functools.partial(_sections.after_send, 2, seed=SEED)
    return anyio.run(soak, backend=str(request.param))


def test_a_purchase_cancelled_after_send_leaves_a_reference(after_send: AfterSendResult) -> None:
    result = after_send
    assert result.cancelled_after_send > 0
    assert result.charged > 0
    assert result.warned >= result.cancelled_after_send
    dancity = {k: v for k, v in result.without_reference_by_method.items() if "Dancity" in k}
    assert dancity == {}, result


def test_a_payment_cancelled_after_send_leaves_a_reference(after_send: AfterSendResult) -> None:
    result = after_send
    assert result.without_reference_by_method["dptcay payments.create"] == 0


def test_malformed_responses_only_raise_sdk_errors() -> None:
    result = _malformed.malformed(600, seed=SEED)
    assert result.examples >= 600
    assert result.silent == []  # every method reached the transport
    assert result.escaped == 0, (result.escaped_by_type, result.smallest)


def test_the_deeply_nested_body_is_a_typed_error_for_every_method() -> None:
    answer = _malformed._Answer()
    answer.status, answer.body = 200, b"[" * 980

    async def every_method() -> list[str]:
        http, clients = await _malformed._clients(answer)
        async with http:
            escaped = [await _malformed._one(m, clients) for m in _malformed.METHODS.values()]
        return [e for e in escaped if e is not None]

    assert anyio.run(every_method) == []


def test_sync_twins_share_threads_and_work_inside_a_running_loop() -> None:
    result = _sections.sync_twins(20, 2, seed=SEED)
    assert result.calls == 80
    assert result.failed == 0
    assert result.deadlocked == 0
    assert "DEADLOCK" not in result.in_loop.values()
    assert all(o == "works" or o.startswith("clear error") for o in result.in_loop.values())


def test_the_table_marks_a_missed_goal() -> None:
    table = Table()
    table.add("S", "kept", {"a": 0, "b": 0}, 0)
    table.add("S", "reported", {"a": 12})
    met_before = table.all_met
    table.add("S", "missed", {"a": 0, "b": 1}, 0)
    assert met_before
    assert not table.all_met
    assert "NO" in table.render()
