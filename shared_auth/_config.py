"""Each API's credential stays on its own API's hosts: the rule, written once.

Every SDK registers the registrable domains of its API when it is imported
([`register_api_hosts`][shared_auth._config.register_api_hosts]); a client refuses a
``base_url`` on *another* registered API's host, so one API's key is never sent to
another's host, whatever the caller mistypes. Hosts nobody registered (a staging server,
a loopback sandbox) stay allowed: the list names what is certainly wrong, nothing more.

An SDK that is installed but not imported still counts: each declares its credentials
module under the ``shared_auth.api_hosts`` entry-point group, and the first check imports
them all, so a process that imports one SDK still refuses the other API's hosts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from importlib.metadata import entry_points
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


_log: Final = logging.getLogger(__name__)
_installed_loaded = threading.Event()


def _load_installed() -> None:
    """Import every installed SDK's credentials module once (each registers its hosts)."""
    if _installed_loaded.is_set():
        return
    for entry in entry_points(group="shared_auth.api_hosts"):
        try:
            entry.load()
        except Exception:  # noqa: BLE001 - a broken plugin must not stop this client
            _log.debug("could not load the API hosts of %s", entry.value, exc_info=True)
    _installed_loaded.set()


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
    _load_installed()
    owner = _owner_of(host)
    if owner is not None and owner != api:
        msg = (
            f"base_url {host!r} is a {owner} host, but this is the {api} client: its credential "
            f"must never be sent there. Use the {owner} client for {owner}, or this client's own "
            f"base URL (hosts under {', '.join(_HOSTS.get(api, ()))})"
        )
        raise ConfigurationError(msg)
