"""The message shown when the optional ``sandbox`` extra is not installed."""

from __future__ import annotations

MISSING_EXTRA = (
    "dptcay_sdk.testing needs the 'sandbox' extra: pip install 'dptcay-dancity-sdk[sandbox]'"
)
