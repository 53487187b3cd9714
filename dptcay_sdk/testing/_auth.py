"""Admission: Bearer authentication, then the per-key rate limit."""

from __future__ import annotations

from dataclasses import dataclass

from dptcay_sdk._spec import KEY_PATTERN, LIVE_KEY_PREFIX
from dptcay_sdk.testing._errors import SandboxError, rate_limited, unauthorized
from dptcay_sdk.testing._models import ApiKey
from dptcay_sdk.testing._ratelimit import SlidingWindowLimiter
from dptcay_sdk.testing._store import Store
from shared_auth._sandbox import RateDecision


@dataclass(frozen=True)
class Admission:
    """The outcome of admitting one request.

    Attributes:
        key: The authenticated key, when authentication succeeded.
        decision: The rate-limit state to report in the response headers.
        error: The 401 or 429 to answer instead of routing, if any.
    """

    key: ApiKey | None
    decision: RateDecision
    error: SandboxError | None = None


class Gatekeeper:
    """Authenticates requests and counts them against their key's window.

    Args:
        store: Where keys live.
        limiter: The per-key sliding window.
    """

    def __init__(self, store: Store, limiter: SlidingWindowLimiter) -> None:
        self._store = store
        self._limiter = limiter

    def admit(self, authorization: str | None) -> Admission:
        """Admit a request given its ``Authorization`` header value."""
        try:
            key = self._authenticate(authorization)
        except SandboxError as error:
            # Unauthenticated requests belong to no key, so they are not counted.
            return Admission(None, self._limiter.untouched(), error)
        decision = self._limiter.hit(key.id)
        if decision.allowed:
            return Admission(key, decision)
        plan = self._limiter.plan
        return Admission(
            key,
            decision,
            rate_limited(
                f"Rate limit exceeded: the {plan.name} plan allows {plan.limit} requests "
                f"per {plan.window:g} seconds per key. Retry after {decision.retry_after} s."
            ),
        )

    def _authenticate(self, authorization: str | None) -> ApiKey:
        if authorization is None:
            raise unauthorized(
                "Missing Authorization header; send 'Authorization: Bearer <api key>'"
            )
        parts = authorization.split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise unauthorized("The Authorization header must be 'Bearer <api key>'")
        secret = parts[1]
        # Messages never repeat the presented key: it may be a real secret.
        if not KEY_PATTERN.fullmatch(secret):
            raise unauthorized(
                "Malformed API key; expected dp_live_sk_ or dp_test_sk_ "
                "followed by at least 16 letters or digits"
            )
        key = self._store.find_key(secret)
        if key is None:
            if secret.startswith(LIVE_KEY_PREFIX):
                raise unauthorized("Live keys are not accepted by the sandbox; use a test key")
            raise unauthorized("Unknown API key")
        if key.revoked:
            raise unauthorized("This API key has been revoked")
        return key
