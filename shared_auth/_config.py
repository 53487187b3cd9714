"""Each API's credential stays on its own API's hosts: the rule, written once.

Every SDK names the hosts of each API this project has a client for (`API_HOSTS`);
a client refuses a ``base_url`` on *another* API's host, so a Dancity key can never be
sent to a dptcay host nor a dptcay key to a Dancity host, whatever the caller mistypes.
Hosts nobody knows (a staging server, a loopback sandbox) stay allowed: the list names
what is certainly wrong, nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import httpx

from shared_auth._errors import ConfigurationError

__all__ = ["API_HOSTS", "check_api_host"]

#: The registrable domains of each API this project has an SDK for. A host equal to one
#: of them, or below it (``api.dptcay.com``, ``sandbox.dptcay.io``), belongs to that API.
API_HOSTS: Final[Mapping[str, tuple[str, ...]]] = {
    "dptcay": ("dptcay.com", "dptcay.io"),
    "Dancity": ("dancity.app", "dancity.com", "dancity.ng"),
}


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
        api: The client's own API, a key of `API_HOSTS`.

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
