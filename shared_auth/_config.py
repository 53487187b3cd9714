"""Client settings both SDKs check the same way, before any network I/O.

Three rules live here, written once:

* **Each API's key stays on its own API's hosts.** Every SDK names the hosts of the
  *other* APIs this project talks to (:data:`API_HOSTS`); a ``base_url`` on one of them is
  refused, so a Dancity key can never be sent to a dptcay host nor a dptcay key to a
  Dancity host, whatever the caller mistypes. Hosts nobody knows (a staging server, a
  loopback sandbox) stay allowed: the list names what is certainly wrong, nothing more.
* **Timeouts are positive, finite seconds** (``None`` disables one, as in httpx).
* **Retry settings are whole, non-negative numbers**, refused with a typed error instead
  of the ``ValueError`` a validator would raise deep inside ``attrs``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import httpx

from shared_auth._errors import ConfigurationError
from shared_auth._pipeline import RetryPolicy

__all__ = ["API_HOSTS", "check_api_host", "check_timeout", "retry_policy"]

#: The registrable domains of each API this project has an SDK for. A host equal to one
#: of them, or below it (``api.dptcay.com``, ``sandbox.dptcay.io``), belongs to that API.
API_HOSTS: Final[Mapping[str, tuple[str, ...]]] = {
    "dptcay": ("dptcay.com", "dptcay.io"),
    "Dancity": ("dancity.app", "dancity.com", "dancity.ng"),
}

_TIMEOUT_PARTS: Final = ("connect", "read", "write", "pool")


def _owner_of(host: str) -> str | None:
    host = host.lower().rstrip(".")
    for api, domains in API_HOSTS.items():
        if any(host == domain or host.endswith("." + domain) for domain in domains):
            return api
    return None


def check_api_host(base_url: str, *, api: str) -> None:
    """Refuse a ``base_url`` on another API's host (the key would be sent there).

    Args:
        base_url: The client's base URL, already checked to be an absolute URL.
        api: The client's own API, a key of :data:`API_HOSTS`.

    Raises:
        ConfigurationError: the host belongs to another API.
    """
    try:
        host = httpx.URL(base_url).host
    except (httpx.InvalidURL, TypeError):
        return  # validate_base_url says what is wrong with it
    owner = _owner_of(host)
    if owner is not None and owner != api:
        msg = (
            f"base_url {host!r} is a {owner} host, but this is the {api} client: its credential "
            f"must never be sent there. Use the {owner} client for {owner}, or this client's own "
            f"base URL (hosts under {', '.join(API_HOSTS[api])})"
        )
        raise ConfigurationError(msg)


def _seconds_ok(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value > 0


def check_timeout(timeout: object) -> None:
    """Refuse a timeout that is not positive, finite seconds, ``None`` or an ``httpx.Timeout``.

    Raises:
        ConfigurationError: e.g. ``timeout=-1``, ``0``, ``nan``, ``"30"`` or a
            ``httpx.Timeout`` with such a part.
    """
    if isinstance(timeout, httpx.Timeout):
        bad = [p for p in _TIMEOUT_PARTS if not _seconds_ok(getattr(timeout, p))]
        if not bad:
            return
        msg = (
            f"timeout's {', '.join(bad)} part(s) must be positive, finite seconds or None "
            f"(no limit); got {timeout!r}"
        )
        raise ConfigurationError(msg)
    if _seconds_ok(timeout):
        return
    msg = (
        "timeout must be positive, finite seconds (e.g. 30.0), an httpx.Timeout, or None to "
        f"disable it; got {timeout!r}"
    )
    raise ConfigurationError(msg)


def retry_policy(retry: object, max_retries: object) -> RetryPolicy:
    """The client's :class:`RetryPolicy`: ``retry`` as given, or one with ``max_retries``.

    Raises:
        ConfigurationError: ``max_retries`` is not a whole number of at least 0, or
            ``retry`` is not a :class:`RetryPolicy`.
    """
    if retry is not None:
        if not isinstance(retry, RetryPolicy):
            msg = f"retry must be a RetryPolicy, not {type(retry).__name__}"
            raise ConfigurationError(msg)
        return retry
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        msg = (
            "max_retries must be a whole number of at least 0 (0 disables retrying); got "
            f"{max_retries!r}"
        )
        raise ConfigurationError(msg)
    try:
        return RetryPolicy(max_retries=max_retries)
    except (TypeError, ValueError) as exc:  # a bound RetryPolicy itself enforces
        raise ConfigurationError(f"max_retries={max_retries!r} is refused: {exc}") from exc
