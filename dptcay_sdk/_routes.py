"""The dptcay route table: every operation the docs list, with the scope it needs.

Paths are relative to the base URL (which already ends in ``/v1``). Money-moving and
creating POSTs are not idempotent, so the pipeline never resends them after the request
may have reached the server; ``DELETE /keys/{key}`` is (revoking twice answers the same).
"""

from __future__ import annotations

from typing import Final

from shared_auth import Route

__all__ = [
    "CREATE_KEY",
    "CREATE_PAYMENT",
    "CREATE_REFUND",
    "GET_PAYMENT",
    "LIST_CURRENCIES",
    "REGISTER_WEBHOOK",
    "REVOKE_KEY",
]

CREATE_PAYMENT: Final = Route(
    "POST",
    "/payments/create",
    scope="payments:write",
    # The API cannot search payments by order_id: the merchant's own records can.
    outcome_advice=(
        "the API cannot look payments up by order_id, so before creating it again check "
        "your payment.* webhook deliveries and the dashboard for order_id '{reference}'"
    ),
)
GET_PAYMENT: Final = Route("GET", "/payments/{payment_id}", scope="payments:read")
CREATE_REFUND: Final = Route(
    "POST",
    "/refunds",
    scope="refunds:write",
    outcome_advice=(
        "read the payment with payments.get('{reference}'): its status and refundable "
        "remainder show whether the refund was made, before you refund again"
    ),
)
LIST_CURRENCIES: Final = Route("GET", "/currencies", scope="currencies:read")
REGISTER_WEBHOOK: Final = Route("POST", "/webhooks/register", scope="webhooks:write")
CREATE_KEY: Final = Route(
    "POST",
    "/keys",
    scope="keys:write",
    outcome_advice="a key may have been created: check the dashboard's API Keys page",
)
REVOKE_KEY: Final = Route("DELETE", "/keys/{key}", scope="keys:write")
