"""Parsing webhook deliveries into typed events.

The dptcay docs define no signature for deliveries, so there is nothing to verify here
and this SDK does not invent a scheme. A parsed event is a hint: confirm it with
``await client.webhooks.fetch_event_object(event)``, which reads the payment back from
the API.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from dptcay_sdk._exceptions import InvalidInputError
from dptcay_sdk._models import Event, make_dptcay_converter
from shared_auth.fleet._inbox_model import Accepted

if TYPE_CHECKING:
    import cattrs

__all__ = ["DptcayWebhookSource", "parse_event"]


@functools.cache
def _converter() -> cattrs.Converter:
    # parse_event runs without a client, so it keeps one converter of its own (building
    # one per delivery would cost milliseconds); clients never share it.
    return make_dptcay_converter()


def parse_event(raw_body: bytes | str) -> Event:
    """Parse a webhook delivery body into an [`Event`][dptcay_sdk.Event].

    ``event.data`` is a [`Payment`][dptcay_sdk.Payment] for ``payment.*`` types, a
    [`Refund`][dptcay_sdk.Refund] for ``refund.*`` types, and the object as sent (a mapping) for any
    other type; types newer than this SDK pass through as strings.

    This does **not** authenticate the delivery: the dptcay docs define no signature.
    Verify it with ``client.webhooks.fetch_event_object(event)`` before acting on it.

    Args:
        raw_body: The request body exactly as received.

    Raises:
        InvalidInputError: The body is not JSON, or not an event (the message lists the
            failing paths, such as ``$.data.amount``).
    """
    checked: object = raw_body  # callers without type checking may pass a parsed dict
    if not isinstance(checked, bytes | str):
        msg = f"raw_body must be the delivery body as bytes or str, not {type(checked).__name__}"
        raise InvalidInputError(msg, field="raw_body")
    try:
        payload = json.loads(raw_body)
    except ValueError as exc:
        msg = "the webhook body is not JSON; pass the request body exactly as received"
        raise InvalidInputError(msg, field="raw_body") from exc
    try:
        return _converter().structure(payload, Event)
    except Exception as exc:
        from cattrs import transform_error  # noqa: PLC0415 - loaded by the converter already

        problems = "; ".join(transform_error(exc, path="$"))
        msg = f"the webhook body is not a dptcay event: {problems}"
        raise InvalidInputError(msg, field="raw_body") from exc


class DptcayWebhookSource:
    """How the webhook inbox keys dptcay deliveries (give it to ``open_inbox``).

    The dptcay docs define **no signature** for deliveries, so nothing can be verified:
    only well-formed events (``parse_event`` succeeds) are accepted, and anyone who can
    reach your endpoint can store an event. Confirm each event in the handler with
    ``await client.webhooks.fetch_event_object(event)`` before acting on it, and keep the
    endpoint's URL unguessable.

    Deduplication key: ``dptcay:<event id>`` (the ``evt_…`` id, the same on every
    redelivery). Events about one payment or refund (its ``data.id``) form one group,
    handed over in receive order.
    """

    api: Final = "dptcay"
    signature_errors: Final[tuple[type[Exception], ...]] = ()

    def __repr__(self) -> str:
        return "DptcayWebhookSource()"

    def accept(self, raw_body: bytes, headers: Mapping[str, str]) -> Accepted:
        """Key one delivery.

        Raises:
            InvalidInputError: the body is not a dptcay event (answer 400).
        """
        del headers  # nothing to verify: the API defines no signature
        event = parse_event(raw_body)
        data = event.data
        subject = getattr(data, "id", None) or (
            data.get("id") if isinstance(data, Mapping) else None
        )
        group = f"dptcay:{subject}" if subject else f"dptcay:{event.id}"
        name = str(getattr(event.type, "value", event.type))
        return Accepted(key=f"dptcay:{event.id}", group=group, event=name)
