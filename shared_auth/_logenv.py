"""``<API>_LOG``: switch the SDK's logging on from the environment.

Read by ``from_env()`` only — importing the SDK never touches logging. The switch sets the
SDK logger's level and gives it one stderr handler (added once, however many clients are
built), so a script or a notebook can see the per-attempt lines without configuring logging.
Credentials are masked in those lines as in every record the SDK logs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final

from shared_auth._errors import ConfigurationError
from shared_auth._redact import SecretsFilter

__all__ = ["apply_log_env"]

_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler the environment switch installs (recognised, so it is added once)."""


def apply_log_env(variable: str, logger_name: str, environ: Mapping[str, str]) -> None:
    """Apply ``environ[variable]`` (``debug`` or ``info``) to the ``logger_name`` logger.

    Raises:
        ConfigurationError: The variable is set to anything else.
    """
    value = environ.get(variable, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        msg = f"{variable} must be 'debug' or 'info' (or unset); got {value!r}"
        raise ConfigurationError(msg)
    logger = logging.getLogger(logger_name)
    logger.setLevel(level)
    if not any(isinstance(handler, _EnvHandler) for handler in logger.handlers):
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(SecretsFilter())
        logger.addHandler(handler)
