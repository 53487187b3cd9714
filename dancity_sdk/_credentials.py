"""Dancity's credentials: what they look like, and the flows that send them.

The merchant key's format and the API's hosts are registered with the floor (every log and
error masks the key; no other API's client sends its key here); the key flow adds the
``channel`` header of the VAS routes; the JWT flow serves the App routes.
"""

from __future__ import annotations

import re
from typing import Final, Literal, TypeAlias

from shared_auth._auth import JWTAuth, KeyAuth
from shared_auth._config import register_api_hosts
from shared_auth._credentials import CredentialFormat, register_credentials
from shared_auth._errors import ConfigurationError
from shared_auth._secret import Secret

__all__ = [
    "CHANNELS",
    "HOSTS",
    "KEY_FORMATS",
    "KEY_PATTERN",
    "DancityChannel",
    "DancityJWTAuth",
    "DancityKeyAuth",
]

#: The ``dcy_live_`` merchant key (any length: a wrong one is still secret).
KEY_FORMATS: Final = (
    CredentialFormat("dcy_live_", r"dcy_live_[0-9A-Za-z]+", label="a Dancity merchant key"),
)
#: A whole, well-formed merchant key.
KEY_PATTERN: Final = re.compile(r"dcy_live_[0-9a-f]{40}")

#: Dancity's registrable domains: a client of another API refuses a base URL under them.
HOSTS: Final = ("dancity.app", "dancity.com", "dancity.ng")

register_credentials(*KEY_FORMATS, logger="dancity_sdk")
register_api_hosts("Dancity", HOSTS)

#: The values Dancity documents for the ``channel`` header (``"API"`` on every VAS call).
DancityChannel: TypeAlias = Literal["API", "WEB", "IOS APP", "ANDROID APP", "USSD"]
#: Every value the ``channel`` header may take.
CHANNELS: Final[tuple[DancityChannel, ...]] = ("API", "WEB", "IOS APP", "ANDROID APP", "USSD")


class DancityKeyAuth(KeyAuth):
    """``Authorization: Bearer dcy_live_<40 hex>`` plus the ``channel`` header (VAS routes)."""

    key_pattern = KEY_PATTERN
    key_refusal = (
        "Dancity merchant keys look like 'dcy_live_' followed by exactly 40 lowercase hex "
        "characters (dcy_live_<40-char-hex>); got {got}. Copy it from the API Key page; a JWT "
        "belongs in jwt=, not api_key=."
    )

    def __init__(self, key: str | Secret, *, channel: DancityChannel = "API") -> None:
        if channel not in CHANNELS:
            msg = f"channel must be one of {', '.join(CHANNELS)}; got {channel!r}"
            raise ConfigurationError(msg)
        super().__init__(key, headers=(("channel", channel),))
        self._channel: str = channel

    @property
    def channel(self) -> str:
        """The ``channel`` header value."""
        return self._channel


class DancityJWTAuth(JWTAuth):
    """``Authorization: Bearer <jwt>`` for Dancity's App routes; never a ``channel`` header.

    The mechanism is [`JWTAuth`][shared_auth.JWTAuth]'s: a static token, an async provider,
    or both, refreshed ahead of its ``exp`` and once after a 401.
    """
