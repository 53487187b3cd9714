"""Dancity's key format, registered with the floor so that every log and error masks it."""

from __future__ import annotations

from typing import Final

from shared_auth._credentials import CredentialFormat, register_credentials

__all__ = ["KEY_FORMATS"]

#: The ``dcy_live_`` merchant key (any length: a wrong one is still secret).
KEY_FORMATS: Final = (CredentialFormat("dcy_live_", r"dcy_live_[0-9A-Za-z]+"),)

register_credentials(*KEY_FORMATS, logger="dancity_sdk")
