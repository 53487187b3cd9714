"""Credentials the sandbox accepts: the merchant key ring, the IP allowlist and test JWTs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import threading
from collections.abc import Callable, Iterable
from typing import Final, Literal

Clock = Callable[[], float]
KeyState = Literal["active", "revoked", "unknown"]
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_ALLOWLIST_ENTRIES: Final = 20


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header, else ``None``."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class KeyRing:
    """The merchant's current key plus every key it replaced (rejected as "not active")."""

    def __init__(self, new_key: Callable[[], str]) -> None:
        self._new_key = new_key
        self._lock = threading.Lock()
        self._revoked: set[str] = set()
        self._current = new_key()

    @property
    def current(self) -> str:
        """The key that works right now."""
        return self._current

    def rotate(self) -> str:
        """Issue a new key; the old one stops working at once, as the guide says."""
        with self._lock:
            self._revoked.add(self._current)
            self._current = self._new_key()
            return self._current

    def state(self, token: str) -> KeyState:
        """Classify a presented key without leaking timing about the current one."""
        if hmac.compare_digest(token.encode(), self._current.encode()):
            return "active"
        return "revoked" if token in self._revoked else "unknown"


class Allowlist:
    """IP/CIDR entries; an empty list blocks all traffic (documented behaviour)."""

    def __init__(self, entries: Iterable[str]) -> None:
        self._networks: tuple[IpNetwork, ...] = ()
        self.replace(entries)

    def replace(self, entries: Iterable[str]) -> None:
        """Swap in new entries: IPs or CIDRs, IPv4 or IPv6, at most 20 like the dashboard.

        Raises:
            ValueError: an entry is not an IP or CIDR, or there are more than 20.
        """
        networks = tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
        if len(networks) > MAX_ALLOWLIST_ENTRIES:
            raise ValueError("Maximum of 20 IP entries")
        self._networks = networks

    @property
    def entries(self) -> tuple[str, ...]:
        """The entries in CIDR notation."""
        return tuple(str(network) for network in self._networks)

    def allows(self, host: str | None) -> bool:
        """Whether a client address falls inside one of the entries."""
        if host is None:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; match them as IPv4.
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self._networks)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class JwtSigner:
    """HS256 JWTs with ``sub``, ``iat`` and ``exp`` — a stand-in for Dancity's user login.

    The docs define no login route or claims, so these tokens only need to look and verify
    like ordinary HS256 JWTs.
    """

    _HEADER: Final = _b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())

    def __init__(self, secret: bytes, clock: Clock) -> None:
        self._secret = secret
        self._clock = clock

    def issue(self, subject: str, ttl: float) -> str:
        """Sign a token for ``subject`` that expires ``ttl`` seconds from now (may be past)."""
        now = self._clock()
        claims = {"sub": subject, "iat": int(now), "exp": int(now + ttl)}
        signing_input = f"{self._HEADER}.{_b64encode(json.dumps(claims).encode())}"
        return f"{signing_input}.{_b64encode(self._sign(signing_input))}"

    def subject(self, token: str) -> str | None:
        """Return the ``sub`` of a valid, unexpired token; ``None`` for anything else."""
        parts = token.split(".")
        if len(parts) != 3:  # header.payload.signature
            return None
        try:
            header = json.loads(_b64decode(parts[0]))
            claims = json.loads(_b64decode(parts[1]))
            signature = _b64decode(parts[2])
        except (binascii.Error, ValueError):
            return None
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            return None
        if not hmac.compare_digest(signature, self._sign(f"{parts[0]}.{parts[1]}")):
            return None
        return _live_subject(claims, self._clock())

    def _sign(self, signing_input: str) -> bytes:
        return hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()


def _live_subject(claims: object, now: float) -> str | None:
    if not isinstance(claims, dict):
        return None
    subject, expires = claims.get("sub"), claims.get("exp")
    if not isinstance(subject, str) or not isinstance(expires, int | float):
        return None
    return subject if now < expires else None
