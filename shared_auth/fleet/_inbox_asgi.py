"""The webhook endpoint for Starlette and FastAPI: verify, store, answer.

```python
inbox = open_inbox("sqlite:///var/lib/app/webhooks.db", source)  # an SDK's WebhookSource
app.add_api_route("/webhooks/payments", webhook_endpoint(inbox), methods=["POST"])
```

Starlette is imported when the endpoint is built (the ``sandbox`` extra, or FastAPI).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from shared_auth._errors import SDKError
from shared_auth.fleet._inbox_model import InboxError, Receipt

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from shared_auth.fleet._inbox import Inbox

__all__ = ["webhook_endpoint"]


def webhook_endpoint(
    inbox: Inbox, *, on_stored: Callable[[Receipt], Awaitable[None] | None] | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette/FastAPI endpoint that stores each delivery in ``inbox``.

    It reads the raw body, calls [`Inbox.receive`][shared_auth.fleet.Inbox.receive] and
    answers:

    * **200** ``{"received": <event>, "duplicate": <bool>}`` once the delivery is stored
      (a redelivery is a 200 too, so the provider stops retrying it);
    * **401** ``{"error": "bad signature", "reason": …}`` when the signature is missing,
      malformed or wrong (nothing stored);
    * **400** ``{"error": …}`` when the body is not an event of this API (nothing stored);
    * **503** ``{"error": …}`` when the inbox's backend failed or was too slow: nothing
      was acknowledged, so the provider delivers it again.

    Args:
        inbox: Where deliveries go.
        on_stored: Called with the receipt after a 200 is decided (for example to wake a
            consumer, or to schedule ``inbox.drain`` as a FastAPI background task).
    """
    from starlette.responses import JSONResponse  # noqa: PLC0415 - optional extra

    async def endpoint(request: Request) -> Response:
        raw = await request.body()  # the exact bytes the provider signed
        try:
            receipt = await inbox.receive(raw, request.headers)
        except inbox.source.signature_errors as exc:
            reason: Any = getattr(exc, "reason", None)
            return JSONResponse({"error": "bad signature", "reason": reason}, status_code=401)
        except InboxError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        except SDKError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if on_stored is not None:
            pending = on_stored(receipt)
            if pending is not None:
                await pending
        return JSONResponse({"received": receipt.event, "duplicate": receipt.duplicate})

    return endpoint
