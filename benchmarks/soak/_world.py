"""The sandboxes and clients every section uses, in process or on loopback."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import httpx

from benchmarks.soak._faults import FaultPlan, FaultyApp
from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import AsyncDptcayClient
from dptcay_sdk.testing import DptcaySandbox, RatePlan
from shared_auth import RetryPolicy

#: Retries that fit a bounded harness: quick backoff, a deadline well under the guard.
POLICY: Final = RetryPolicy(max_retries=2, initial_backoff=0.001, max_backoff=0.01, deadline=5.0)
#: The per-intent guard: an intent still running after this long counts as hung.
GUARD: Final = 30.0
PHONE: Final = "08031234567"
AIRTIME: Final = "MTN Airtime"
DATA_PLAN: Final = "1GB_MTN_GIFTING_1Day"
#: Loopback clients time out reads well before a stall ends.
LOOPBACK_TIMEOUT: Final = httpx.Timeout(5.0, read=0.2)
#: Under load, a call may queue for a connection (the default pool holds 100) for as long
#: as its deadline allows; reads still time out before a stall (2 s) ends.
LOAD_TIMEOUT: Final = httpx.Timeout(30.0, read=1.0, pool=None)
LOAD_POLICY: Final = RetryPolicy(
    max_retries=2, initial_backoff=0.001, max_backoff=0.01, deadline=60.0
)
#: A call under load still running after this long counts as hung.
LOAD_GUARD: Final = 180.0


def dptcay_sandbox(seed: int) -> DptcaySandbox:
    """A dptcay sandbox that never rate-limits (the 429s come from the fault plan)."""
    return DptcaySandbox(plan=RatePlan(10**9, name="soak"), seed=seed)


def dancity_sandbox(seed: int) -> DancitySandbox:
    """A Dancity sandbox with room for every purchase a section makes."""
    return DancitySandbox(
        seed=seed, main_balance=Decimal(10**12), per_key_limit=10**9, purchase_limit=10**9
    )


def in_process(app: Any, plan: FaultPlan | None) -> httpx.AsyncClient:
    """An httpx client whose requests reach ``app`` (behind ``plan``) in process."""
    target = app if plan is None else FaultyApp(app, plan)
    transport = httpx.ASGITransport(app=target, client=("127.0.0.1", 123))
    return httpx.AsyncClient(transport=transport)


def dptcay_client(
    sb: DptcaySandbox, http: httpx.AsyncClient | None, **options: Any
) -> AsyncDptcayClient:
    """A dptcay client on ``sb`` (``http`` given: in process; else ``base_url`` in options)."""
    options.setdefault("base_url", sb.base_url)
    options.setdefault("retry", POLICY)
    return AsyncDptcayClient(sb.write_key, http_client=http, **options)


def dancity_client(
    sb: DancitySandbox, http: httpx.AsyncClient | None, **options: Any
) -> AsyncDancityClient:
    """A Dancity client with both credentials on ``sb``, unthrottled (the sandbox is)."""
    options.setdefault("base_url", sb.base_url)
    options.setdefault("retry", POLICY)
    return AsyncDancityClient(
        sb.api_key, jwt=sb.issue_jwt(ttl=3600.0), throttle=False, http_client=http, **options
    )


@contextlib.contextmanager
def served(app: Any, plan: FaultPlan | None) -> Iterator[str]:
    """Serve ``app`` (behind ``plan``) on a loopback port; yields the base URL's origin."""
    from dptcay_sdk.testing import _server  # noqa: PLC0415 - the sandbox's own loopback server

    target = app if plan is None else FaultyApp(app, plan)
    uvicorn_errors = logging.getLogger("uvicorn.error")
    level = uvicorn_errors.level
    uvicorn_errors.setLevel(logging.CRITICAL)  # each injected fault would print a traceback
    try:
        with _server.serve_in_thread(target, host="127.0.0.1", port=0) as base_url:
            yield base_url.removesuffix("/v1")
    finally:
        uvicorn_errors.setLevel(level)


@dataclass
class Warnings(logging.Handler):
    """The WARNING records the SDKs log (cancelled-after-send lines carry the reference)."""

    records: list[logging.LogRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)

    def mentions(self, reference: str) -> bool:
        """Whether a warning named ``reference``."""
        return any(reference in record.getMessage() for record in self.records)

    def __hash__(self) -> int:
        return id(self)


@contextlib.contextmanager
def captured_warnings() -> Iterator[Warnings]:
    """Collect the SDKs' warnings while the block runs."""
    handler = Warnings()
    loggers = [logging.getLogger(name) for name in ("dptcay_sdk", "dancity_sdk", "shared_auth")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@contextlib.asynccontextmanager
async def closing(*clients: httpx.AsyncClient) -> AsyncIterator[None]:
    """Close the given httpx clients on exit."""
    try:
        yield
    finally:
        for client in clients:
            await client.aclose()
