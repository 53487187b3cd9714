"""dptcay's key formats, registered with the floor so that every log and error masks them."""

from __future__ import annotations

from typing import Final

from shared_auth._credentials import CredentialFormat, register_credentials

__all__ = ["KEY_FORMATS"]

#: ``dp_live_sk_…`` and ``dp_test_sk_…`` keys (any length: a wrong one is still secret).
KEY_FORMATS: Final = (
    CredentialFormat("dp_live_sk_", r"dp_live_sk_[A-Za-z0-9]+"),
    CredentialFormat("dp_test_sk_", r"dp_test_sk_[A-Za-z0-9]+"),
)

register_credentials(*KEY_FORMATS, logger="dptcay_sdk")
