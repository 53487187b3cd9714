"""A stateful fake of the Dancity API (the sandbox), for tests, demos and notebooks.

``DancitySandbox().app`` is a Starlette ASGI app: mount it in-process with
``httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))`` or serve it on loopback
with [`DancitySandbox.serve_in_thread`][dancity_sdk.testing.DancitySandbox.serve_in_thread] or
``python -m dancity_sdk.testing``.

Routes: every operation the SDK declares for the generation answering on
each prefix ([`DancitySandbox.generations`][dancity_sdk.testing.DancitySandbox.generations]), with
the official request fields and answer shapes:

* ``/api/v1/...`` speaks ``"2026-05-31"``; ``/api/external/v1/...`` speaks
  ``"2026-04-27"`` (pins, ``GET /cable/validate``) unless the sandbox is created with
  ``DancitySandbox(api_version="2026-05-09")`` (the two share that prefix): merchant key +
  ``channel`` header + IP allowlist.
* ``/api/wallet/{id}``, ``/api/transactions``, ``/api/transactions/{id}``: App API, JWT.
* Sandbox-only control routes (no credentials; they do not exist on the real API):
  ``POST /_sandbox/jwt {"user_id", "ttl"}`` issues a test JWT (the docs define no login),
  ``POST /_sandbox/transactions/{tranxId}/status {"status"}`` settles an open transaction,
  ``POST /_sandbox/faults {"kind", "delay"}`` queues a fault for the next purchase,
  ``GET /_sandbox/deliveries`` lists the signed webhook deliveries.

It needs the ``sandbox`` extra (Starlette and uvicorn) and never imports the SDK clients.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401 - probe for the optional extra before anything imports it
except ImportError as _missing:  # pragma: no cover - exercised in a subprocess
    raise ImportError(
        "dancity_sdk.testing needs the 'sandbox' extra: pip install 'dptcay-dancity-sdk[sandbox]'"
    ) from _missing

from dancity_sdk.testing._faults import DroppedConnectionError, FaultKind
from dancity_sdk.testing._ledger import Status
from dancity_sdk.testing._sandbox import DancitySandbox
from dancity_sdk.testing._webhooks import WebhookDelivery, sign

__all__ = [
    "DancitySandbox",
    "DroppedConnectionError",
    "FaultKind",
    "Status",
    "WebhookDelivery",
    "sign",
]
