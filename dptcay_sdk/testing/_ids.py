"""Identifiers, API keys and wallet addresses in the shapes the contract names."""

from __future__ import annotations

import random
import string

from dptcay_sdk._spec import TEST_KEY_PREFIX

ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class IdFactory:
    """Makes ids, keys and addresses from one random source (seedable for reproducibility).

    Args:
        seed: Seed for the generator; ``None`` draws one from the OS.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)

    def token(self, length: int = 24, alphabet: str = ALNUM) -> str:
        """Return ``length`` characters drawn from ``alphabet``."""
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def new_id(self, prefix: str) -> str:
        """Return an object id such as ``pay_`` followed by 24 alphanumerics."""
        return f"{prefix}_{self.token()}"

    def new_key(self) -> str:
        """Return a fresh test-mode secret key."""
        return TEST_KEY_PREFIX + self.token()

    def address(self, network: str) -> str:
        """Return a syntactically plausible receiving address on ``network``."""
        match network:
            case "bitcoin":
                return "bc1q" + self.token(38, _BECH32)
            case "litecoin":
                return "ltc1q" + self.token(38, _BECH32)
            case "solana":
                return self.token(44, _BASE58)
            case "tron":
                return "T" + self.token(33, _BASE58)
            case _:  # ethereum and EVM chains such as polygon share one address format
                return "0x" + self.token(40, _HEX)
