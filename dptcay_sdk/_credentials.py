"""dptcay's key formats, registered with the floor so that every log and error masks them."""

from __future__ import annotations

from typing import Final

from dptcay_sdk._spec import LIVE_KEY_PREFIX, TEST_KEY_PREFIX
from shared_auth._credentials import CredentialFormat, register_credentials

__all__ = ["KEY_FORMATS"]

#: ``dp_live_sk_…`` and ``dp_test_sk_…`` keys (any length: a wrong one is still secret).
KEY_FORMATS: Final = tuple(
    CredentialFormat(prefix, rf"{prefix}[A-Za-z0-9]+")
    for prefix in (LIVE_KEY_PREFIX, TEST_KEY_PREFIX)
)

register_credentials(*KEY_FORMATS, logger="dptcay_sdk")
