"""Masking of credentials in free text and in log records.

httpx logs every request URL at INFO, and the dptcay key-revoke URL carries a key, so the
filter is installed on httpx's and httpcore's loggers as well as on the SDK's own.
"""

from __future__ import annotations

import logging
import re
from typing import Final

from shared_auth._secret import redact_value

__all__ = ["SecretsFilter", "install_log_redaction", "redact"]

_CREDENTIAL: Final = re.compile(
    r"dp_(?:live|test)_sk_[A-Za-z0-9]+"  # dptcay keys
    r"|dcy_live_[0-9A-Za-z]+"  # Dancity merchant keys (any length: a wrong one is still secret)
    r"|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"  # JWTs
)
_BEARER: Final = re.compile(r"(?i)(bearer\s+)(?!dp_|dcy_|eyJ|<)[^\s\"',;]+")

#: The loggers a client protects. Filters on a logger apply only to records created on
#: that exact logger (not to its children's), so httpcore's children are listed one by one.
LOGGER_NAMES: Final = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "shared_auth",
    "dptcay_sdk",
    "dancity_sdk",
)


def _mask(match: re.Match[str]) -> str:
    return redact_value(match.group(0))


def redact(text: str) -> str:
    """Replace every credential-shaped substring of ``text`` by its redacted form."""
    if (
        "dp_" not in text
        and "dcy_" not in text
        and "eyJ" not in text
        and "earer" not in text.lower()  # _BEARER is case-insensitive: so is this test
    ):
        return text  # the common case: nothing to mask, no regex run
    text = _CREDENTIAL.sub(_mask, text)
    return _BEARER.sub(r"\1****", text)


class SecretsFilter(logging.Filter):
    """A logging filter that masks credentials in a record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; never drop it."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the handler's business, not ours
            return True
        masked = redact(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


_FILTER: Final = SecretsFilter()


def install_log_redaction(*extra_names: str) -> None:
    """Attach the masking filter to the SDK's, httpx's and httpcore's loggers (idempotent)."""
    for name in (*LOGGER_NAMES, *extra_names):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretsFilter) for f in logger.filters):
            logger.addFilter(_FILTER)
