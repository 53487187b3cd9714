"""Masking of credentials in free text and in log records.

httpx logs every request URL at INFO, and a URL may carry a key (a key-revoke route), so the
filter is installed on httpx's and httpcore's loggers as well as on the SDKs' own. The
credential formats and the SDKs' logger names are those the SDKs register
(`shared_auth._credentials.register_credentials`).
"""

from __future__ import annotations

import logging
import re
from typing import Final

from shared_auth._credentials import CredentialFormat, credential_formats, credential_loggers
from shared_auth._secret import redact_value

__all__ = ["SecretsFilter", "install_log_redaction", "redact"]


class _Patterns:
    """The regexes for one set of registered formats (rebuilt when an SDK registers more)."""

    __slots__ = ("bearer", "credential", "formats", "markers")

    def __init__(self, formats: tuple[CredentialFormat, ...]) -> None:
        self.formats = formats
        self.credential = re.compile("|".join(f"(?:{f.pattern})" for f in formats))
        shown = "|".join(re.escape(f.prefix) for f in formats)
        # A bearer value not already masked (nor a placeholder such as <token>) is masked whole.
        self.bearer = re.compile(rf"(?i)(bearer\s+)(?!{shown}|<)[^\s\"',;]+")
        self.markers = tuple(f.prefix for f in formats)


_PATTERNS = _Patterns(credential_formats())


def _patterns() -> _Patterns:
    global _PATTERNS  # noqa: PLW0603 - replaced whole; a race only builds it twice
    formats = credential_formats()
    if _PATTERNS.formats is not formats:
        _PATTERNS = _Patterns(formats)
    return _PATTERNS


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
)


def _mask(match: re.Match[str]) -> str:
    return redact_value(match.group(0))


def redact(text: str) -> str:
    """Replace every credential-shaped substring of ``text`` by its redacted form."""
    patterns = _patterns()
    if (
        not any(marker in text for marker in patterns.markers)
        and "earer" not in text.lower()  # the bearer rule is case-insensitive: so is this test
    ):
        return text  # the common case: nothing to mask, no regex run
    text = patterns.credential.sub(_mask, text)
    return patterns.bearer.sub(r"\1****", text)


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
    for name in (*LOGGER_NAMES, *credential_loggers(), *extra_names):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretsFilter) for f in logger.filters):
            logger.addFilter(_FILTER)
