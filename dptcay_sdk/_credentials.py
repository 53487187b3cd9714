"""dptcay's credential: what it looks like, and the flow that sends it.

The key formats and the API's hosts are registered with the floor (every log and error
masks a key; no other API's client sends its key here).
"""

from __future__ import annotations

from typing import Final

from dptcay_sdk._spec import KEY_FORMAT, KEY_PATTERN, LIVE_KEY_PREFIX, TEST_KEY_PREFIX
from shared_auth._auth import KeyAuth
from shared_auth._config import register_api_hosts
from shared_auth._credentials import CredentialFormat, register_credentials

__all__ = ["HOSTS", "KEY_FORMATS", "DptcayKeyAuth"]

#: ``dp_live_sk_…`` and ``dp_test_sk_…`` keys (any length: a wrong one is still secret).
KEY_FORMATS: Final = tuple(
    CredentialFormat(prefix, rf"{prefix}[A-Za-z0-9]+", label="a dptcay key")
    for prefix in (LIVE_KEY_PREFIX, TEST_KEY_PREFIX)
)

#: dptcay's registrable domains: a client of another API refuses a base URL under them.
HOSTS: Final = ("dptcay.com", "dptcay.io")

register_credentials(*KEY_FORMATS, logger="dptcay_sdk")
register_api_hosts("dptcay", HOSTS)


class DptcayKeyAuth(KeyAuth):
    """``Authorization: Bearer dp_(live|test)_sk_…`` for the dptcay API.

    Key rotation reads [`in_flight`][shared_auth.KeyAuth.in_flight] to revoke the old key
    only once no request carrying it can still reach the server.
    """

    key_pattern = KEY_PATTERN
    key_refusal = (
        f"dptcay API keys look like {KEY_FORMAT}; got {{got}}. Copy the key from the dptcay "
        "dashboard (Settings → API Keys)."
    )

    @property
    def livemode(self) -> bool:
        """``True`` for a live key, ``False`` for a test (sandbox) key."""
        return self.key.get_secret_value().startswith(LIVE_KEY_PREFIX)
