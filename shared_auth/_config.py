"""Each API's credential stays on its own API's hosts: the rule, written once.

Every SDK registers the registrable domains of its API when it is imported
([`register_api_hosts`][shared_auth._config.register_api_hosts]); a client refuses a
``base_url`` on *another* registered API's host, so one API's key is never sent to
another's host, whatever the caller mistypes. Hosts nobody registered (a staging server,
a loopback sandbox) stay allowed: the list names what is certainly wrong, nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import httpx

from shared_auth._errors import ConfigurationError

__all__ = ["check_api_host", "register_api_hosts"]

_LOCK: Final = threading.Lock()
_HOSTS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


def register_api_hosts(api: str, domains: tuple[str, ...]) -> None:
    """Record that ``domains``, and every host below them, belong to ``api``."""
    global _HOSTS  # noqa: PLW0603 - replaced whole, so readers need no lock
    with _LOCK:
        _HOSTS = MappingProxyType({**_HOSTS, api: domains})


def _owner_of(host: str) -> str | None:
    host = host.lower().rstrip(".")
    for api, domains in _HOSTS.items():
        if any(host == domain or host.endswith("." + domain) for domain in domains):
            return api
    return None


def check_api_host(base_url: str, *, api: str) -> None:
    """Refuse a ``base_url`` on another API's host (the key would be sent there).

    Args:
        base_url: The client's base URL, already checked to be an absolute URL.
        api: The client's own API, as its SDK registered it.

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
            f"base URL (hosts under {', '.join(_HOSTS.get(api, ()))})"
        )
        raise ConfigurationError(msg)
