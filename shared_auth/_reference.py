"""References for money-moving calls: known to the caller before the request leaves."""

from __future__ import annotations

import uuid

__all__ = ["new_reference"]


def new_reference() -> str:
    """A fresh reference for a purchase or payment: ``sdk-`` and 32 hex digits.

    Make one before the call, store it with your job, and pass it as the call's own
    reference (``customer_ref=``, ``order_id=``): whatever happens to the call — an
    [`OutcomeUnknownError`][shared_auth.OutcomeUnknownError], a cancellation, a crash — you hold the
    reference to reconcile by. The SDK uses the same kind of reference when you pass none.
    """
    return "sdk-" + uuid.uuid4().hex
