"""A stateful fake of the dptcay crypto-payments API (the sandbox), for tests and demos.

Needs the ``sandbox`` extra (Starlette and uvicorn)::

    from dptcay_sdk.testing import DptcaySandbox

    sb = DptcaySandbox(plan="starter")
    transport = httpx.ASGITransport(app=sb.app)  # in-process, or:
    with sb.serve_in_thread() as base_url: ...   # real loopback HTTP

Or from a shell: ``python -m dptcay_sdk.testing --port 8765``.
"""

from __future__ import annotations

from dptcay_sdk.testing._catalog import EVENT_TYPES
from dptcay_sdk.testing._clock import ManualClock
from dptcay_sdk.testing._errors import SandboxError
from dptcay_sdk.testing._models import WebhookDelivery, WebhookEndpoint
from dptcay_sdk.testing._ratelimit import RATE_PLANS, RatePlan
from dptcay_sdk.testing._sandbox import DptcaySandbox

__all__ = [
    "EVENT_TYPES",
    "RATE_PLANS",
    "DptcaySandbox",
    "ManualClock",
    "RatePlan",
    "SandboxError",
    "WebhookDelivery",
    "WebhookEndpoint",
]
