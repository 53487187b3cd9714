"""A fleet worker recipe: arq jobs that buy airtime, exactly once, however often they run.

arq (a Redis job queue for asyncio) runs a job again when the worker running it dies:
after the job's in-progress mark expires (its timeout plus 10 s). Without a journal the
SDK would then buy again, and Dancity does not deduplicate by ``customerRef``. With
``journal=`` (here in the same Redis) the retried job claims the same ``customer_ref``,
finds the purchase that reached Dancity (a requery by reference) and returns it.
``rate_budget=`` makes every worker draw from one 120/min + 30/min budget per key.

Create the journal once (the Redis must keep its data across a restart: ``appendonly
yes``), then run workers (as many as you like, on any host that reaches the Redis)::

    export REDIS_URL=redis://localhost:6379/0 DANCITY_API_KEY=dcy_live_…
    python -m shared_auth.fleet init "$REDIS_URL"
    python -m examples.arq_worker              # or: arq examples.arq_worker.WorkerSettings

A worker checks the journal when it starts, so a missing or lost journal stops it before
it takes a job.

and enqueue from your app::

    pool = await arq.create_pool(RedisSettings.from_dsn(REDIS_URL))
    await pool.enqueue_job("buy_airtime", "order-1042", "08031234567", "500",
                           _job_id="order-1042")

The job id is the order's reference too: arq then never queues one order twice, and the
journal makes sure a re-run never buys twice. ``tests/examples/test_arq_worker.py`` kills a
worker in the middle of a purchase and checks the sandbox's ledger.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, ClassVar

from arq import Retry
from arq.connections import RedisSettings
from arq.worker import run_worker

from dancity_sdk import AsyncDancityClient
from shared_auth.fleet import IntentInProgressError, open_journal

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
#: Seconds a purchase job may take. A killed worker's job runs again this + 10 s later.
JOB_TIMEOUT = float(os.environ.get("ARQ_JOB_TIMEOUT", "60"))
#: How long a claim protects a purchase in flight; keep it above the job timeout.
LEASE = float(os.environ.get("JOURNAL_LEASE", str(JOB_TIMEOUT + 30)))


async def startup(ctx: dict[str, Any]) -> None:
    """One client per worker process, with the fleet's journal and rate budget."""
    client = AsyncDancityClient.from_env(
        journal=open_journal(REDIS_URL, lease=LEASE), rate_budget=REDIS_URL
    )
    await client.check_journal()  # JournalMissingError until `python -m shared_auth.fleet init`
    ctx["dancity"] = client


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the client's connections."""
    await ctx["dancity"].aclose()


async def buy_airtime(ctx: dict[str, Any], customer_ref: str, phone: str, amount: str) -> str:
    """Buy airtime once for ``customer_ref``; return Dancity's transaction id and status."""
    client: AsyncDancityClient = ctx["dancity"]
    try:
        tx = await client.vas.airtime.buy(
            product=os.environ.get("AIRTIME_PRODUCT", "MTN Airtime"),
            phone=phone,
            amount=Decimal(amount),
            # Only the 2026-04-27 generation (DANCITY_API_VERSION) takes a transaction PIN.
            pin=os.environ.get("DANCITY_PIN") or None,
            customer_ref=customer_ref,
        )
    except IntentInProgressError as exc:
        # Another worker holds the claim (or held it and died): try again once it lapses.
        raise Retry(defer=exc.retry_after + 1) from exc
    return f"{tx.tranx_id} {tx.status}"


class WorkerSettings:
    """``arq examples.arq_worker.WorkerSettings``."""

    functions: ClassVar = [buy_airtime]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(REDIS_URL)
    job_timeout = JOB_TIMEOUT
    max_tries = 10
    poll_delay = 0.1


if __name__ == "__main__":
    run_worker(WorkerSettings)  # type: ignore[arg-type]
