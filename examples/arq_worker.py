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
journal makes sure a re-run never buys twice.

Webhooks: with ``WEBHOOK_INBOX`` (the inbox your webhook endpoint stores deliveries in) and
``DANCITY_WEBHOOK_SECRET`` set, ``handle_webhooks`` handles every stored event that is
ready, and a cron runs it every 10 seconds for what a crash or a retry's backoff left
behind; enqueue it from the endpoint for a quicker turn (``_job_id="handle-webhooks"``
keeps one in the queue). ``tests/examples/test_arq_worker.py`` kills a
worker in the middle of a purchase and checks the sandbox's ledger.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from arq import Retry, cron
from arq.connections import RedisSettings
from arq.worker import run_worker

from dancity_sdk import AsyncDancityClient
from dancity_sdk.webhooks import DancityWebhookSource
from shared_auth.fleet import Inbox, InboxEvent, IntentInProgressError, open_inbox, open_journal

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
    target, secrets = os.environ.get("WEBHOOK_INBOX"), os.environ.get("DANCITY_WEBHOOK_SECRET")
    ctx["inbox"] = None
    if target and secrets:
        source = DancityWebhookSource([s.strip() for s in secrets.split(",") if s.strip()])
        ctx["inbox"] = open_inbox(target, source)  # created once with `… fleet.inbox init`


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the client's connections."""
    await ctx["dancity"].aclose()
    if ctx.get("inbox") is not None:
        await ctx["inbox"].aclose()


async def on_webhook(event: InboxEvent) -> None:
    """Act on one stored Dancity event. Make the effect idempotent by ``event.key``.

    The inbox hands each event to one handler at a time and marks it done after this
    returns; a worker killed in between runs it again after the lease, so a second run must
    find the first one's effect (a unique row keyed by ``event.key``) and do nothing.
    """
    body = event.json()  # JSON: narrow it before reading into it
    data = body.get("data") if isinstance(body, Mapping) else None
    transaction_id = data.get("transactionId") if isinstance(data, Mapping) else None
    print(f"webhook {event.event} {transaction_id} ({event.key})")


async def handle_webhooks(ctx: dict[str, Any]) -> int:
    """Handle every stored webhook that is ready; return how many were handed over."""
    inbox: Inbox | None = ctx.get("inbox")
    return 0 if inbox is None else await inbox.drain(on_webhook)


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

    functions: ClassVar = [buy_airtime, handle_webhooks]
    cron_jobs: ClassVar = [cron(handle_webhooks, second=set(range(0, 60, 10)))]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(REDIS_URL)
    job_timeout = JOB_TIMEOUT
    max_tries = 10
    poll_delay = 0.1


if __name__ == "__main__":
    run_worker(WorkerSettings)  # type: ignore[arg-type]
