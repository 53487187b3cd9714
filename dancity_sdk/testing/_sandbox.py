"""``DancitySandbox``: one stateful, in-memory Dancity server per instance."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Final

from dancity_sdk import _spec
from dancity_sdk.testing import _server
from dancity_sdk.testing._access import Allowlist, Clock, JwtSigner, KeyRing
from dancity_sdk.testing._cards import CREATION_FEE_USD, CardStore
from dancity_sdk.testing._catalog import Catalog
from dancity_sdk.testing._esim import EXCHANGE_RATE, EsimStore
from dancity_sdk.testing._faults import DEFAULT_DELAY, FAULT_KINDS, Fault, FaultKind, FaultQueue
from dancity_sdk.testing._generations import served
from dancity_sdk.testing._ledger import (
    FAILING_SUFFIX,
    PENDING_REQUERIES,
    PENDING_SUFFIX,
    STATUSES,
    Ledger,
    Status,
)
from dancity_sdk.testing._ratelimit import RateLimiter
from dancity_sdk.testing._routes import DEFAULT_JWT_TTL, SandboxState, build_app
from dancity_sdk.testing._services import (
    SANDBOX_INTERNET_PIN,
    SANDBOX_PIN,
    UNKNOWN_METER_SUFFIX,
    UNKNOWN_SMARTCARD,
)
from dancity_sdk.testing._webhooks import SIGNATURE_HEADER, Outbox, WebhookDelivery
from dancity_sdk.testing._wire import ApiError
from shared_auth._webhook_sender import OutgoingWebhook, WebhookFaults

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from shared_auth._models import JSONValue

DEFAULT_ALLOWLIST: Final = ("127.0.0.0/8", "::1")
DEFAULT_USER: Final = "usr_1"


def _money(value: Decimal | int, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    return Decimal(value)


class DancitySandbox:
    """A faithful, stateful fake of the Dancity API as a Starlette ASGI app.

    It speaks the official descriptions: every operation the SDK declares for
    a generation, with the documented request fields and answer shapes. One generation
    answers per prefix (see [`generations`][dancity_sdk.testing.DancitySandbox.generations]):
    ``/api/v1`` always speaks ``"2026-05-31"``; ``/api/external/v1`` speaks ``"2026-04-27"`` unless
    ``api_version`` names ``"2026-05-09"`` (the two share that prefix). Merchant routes need
    ``Authorization: Bearer dcy_live_<40 hex>``, a ``channel`` header and an allowlisted
    client IP; App routes (``/api/wallet/{id}``, ``/api/transactions``) need a JWT. It keeps
    wallets, transactions, eSIMs and virtual cards, applies the rate-limits guide (120/min
    per key; 30/min on airtime, data, electricity and cable buys) and signs webhooks. Test
    conventions (documented, deterministic):

    * Transaction PIN ``"1234"`` for ``2026-04-27`` buys, ``"12345"`` for its internet buys.
    * Recipients (phone, smartcard, meter, account) ending ``0000`` fail (HTTP 200,
      ``data.status == "FAILED"``, nothing debited); ending ``1111`` stay ``PENDING`` and
      settle to ``SUCCESS`` on their second requery; anything else succeeds.
    * eSIM purchases and card movements always succeed (they have no recipient number);
      use [`fail_next`][dancity_sdk.testing.DancitySandbox.fail_next] or
      [`set_transaction_status`][dancity_sdk.testing.DancitySandbox.set_transaction_status] to see
      them go wrong.
    * Smartcard ``0000000000`` and meters ending ``9999`` fail validation.
    * eSIM packages and cards are priced in USD at ``EXCHANGE_RATE`` (1620 NGN/USD);
      creating a card costs ``CARD_CREATION_FEE_USD`` (1 USD).
    * 429 answers carry ``Retry-After`` (seconds), which the docs don't mention: clients
      must not depend on it.

    Example:
        ```python
        sandbox = DancitySandbox()
        transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
        async with httpx.AsyncClient(transport=transport, base_url=sandbox.base_url) as http:
            headers = {"Authorization": f"Bearer {sandbox.api_key}", "channel": "API"}
            wallets = await http.get("/api/external/v1/wallet", headers=headers)
        ```

    Args:
        api_version: the generation to speak on its prefix (``"2026-04-27"``,
            ``"2026-05-09"`` or ``"2026-05-31"``); ``None`` = ``/api/external/v1`` speaks
            ``"2026-04-27"`` and ``/api/v1`` ``"2026-05-31"``.
        allowlist: IPs/CIDRs allowed to use the merchant key; empty blocks everything.
        main_balance: opening balance of the main wallet (NGN).
        bonus_balance: opening balance of the bonus wallet (NGN).
        webhook_url: where deliveries are POSTed (needs ``webhook_transport`` too).
        webhook_transport: the httpx transport used to POST deliveries.
        webhook_faults: deliver like the real service (a ``shared_auth.testing.WebhookFaults``):
            deliveries queue until ``await deliver_webhooks()``, which retries on the
            documented schedule and adds duplicates, disorder and rotated signatures.
        per_key_limit: requests per window for each credential.
        purchase_limit: purchases per window for each credential, on top.
        window: the sliding window in seconds.
        clock: Unix-time source for rate limits, JWT expiry and timestamps.
        seed: makes keys, ids and secrets reproducible.
    """

    PIN: ClassVar[str] = SANDBOX_PIN
    """The transaction PIN ``2026-04-27`` buys must send."""
    INTERNET_PIN: ClassVar[str] = SANDBOX_INTERNET_PIN
    """The 5-digit PIN ``2026-04-27`` internet buys must send."""
    EXCHANGE_RATE: ClassVar[Decimal] = EXCHANGE_RATE
    """NGN per USD for eSIM packages and virtual cards."""
    CARD_CREATION_FEE_USD: ClassVar[Decimal] = CREATION_FEE_USD
    """What creating a virtual card costs (a sandbox convention; the docs name no fee)."""
    FAILING_SUFFIX: ClassVar[str] = FAILING_SUFFIX
    """Recipients ending with this fail (HTTP 200, ``status: FAILED``, no debit)."""
    PENDING_SUFFIX: ClassVar[str] = PENDING_SUFFIX
    """Recipients ending with this stay ``PENDING`` until requeried enough."""
    PENDING_REQUERIES: ClassVar[int] = PENDING_REQUERIES
    """The requery that settles a ``PENDING`` transaction to ``SUCCESS``."""
    UNKNOWN_SMARTCARD: ClassVar[str] = UNKNOWN_SMARTCARD
    """The smartcard number cable validation never finds."""
    UNKNOWN_METER_SUFFIX: ClassVar[str] = UNKNOWN_METER_SUFFIX
    """Meter numbers ending with this are never found by validation."""
    SIGNATURE_HEADER: ClassVar[str] = SIGNATURE_HEADER
    """The webhook signature header."""

    def __init__(
        self,
        *,
        api_version: str | None = None,
        allowlist: Iterable[str] = DEFAULT_ALLOWLIST,
        main_balance: Decimal | int = Decimal(50000),
        bonus_balance: Decimal | int = Decimal(250),
        webhook_url: str | None = None,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        webhook_faults: WebhookFaults | None = None,
        per_key_limit: int = _spec.KEY_LIMIT,
        purchase_limit: int = _spec.PURCHASE_LIMIT,
        window: float = _spec.THROTTLE_WINDOW,
        clock: Clock | None = None,
        seed: int | None = None,
    ) -> None:
        clock = clock or time.time
        rng = random.Random(seed)
        self._generations = served(api_version)
        self._state = SandboxState(
            keys=KeyRing(lambda: f"dcy_live_{rng.getrandbits(160):040x}"),
            allowlist=Allowlist(allowlist),
            jwt=JwtSigner(rng.randbytes(32), clock),
            limiter=RateLimiter(
                per_key=per_key_limit, purchases=purchase_limit, window=window, clock=clock
            ),
            ledger=Ledger(
                user_id=DEFAULT_USER,
                main=_money(main_balance, "main_balance"),
                bonus=_money(bonus_balance, "bonus_balance"),
                clock=clock,
                rng=rng,
            ),
            outbox=Outbox(
                secret=f"dcy_whsec_{rng.getrandbits(160):040x}",
                url=webhook_url,
                transport=webhook_transport,
                clock=clock,
                faults=webhook_faults,
            ),
            faults=FaultQueue(),
            catalog=Catalog(),
            esims=EsimStore(),
            cards=CardStore(),
            clock=clock,
        )
        self._app = build_app(self._state, self._generations)

    def __repr__(self) -> str:
        # Never show the key or secrets, even in a failing test's output.
        return f"<DancitySandbox user={self.user_id!r} transactions={len(self.transactions)}>"

    @property
    def app(self) -> Starlette:
        """The ASGI app; mount it with ``httpx.ASGITransport`` or serve it."""
        return self._app

    @property
    def generations(self) -> dict[str, str]:
        """Which ``api_version`` answers on each VAS prefix.

        For example ``{"/api/external/v1": "2026-04-27", "/api/v1": "2026-05-31"}``.
        """
        return {prefix: gen.version for prefix, gen in self._generations.items()}

    def prefix_of(self, api_version: str) -> str:
        """The prefix on which this sandbox speaks ``api_version``.

        Raises:
            LookupError: it does not speak that generation (``/api/external/v1`` speaks only
                one of ``"2026-04-27"`` and ``"2026-05-09"``: choose with ``api_version=``).
        """
        found = [p for p, gen in self._generations.items() if gen.version == api_version]
        if not found:
            raise LookupError(
                f"this sandbox does not speak {api_version!r}; "
                f"create it with DancitySandbox(api_version={api_version!r})"
            )
        return found[0]

    @property
    def base_url(self) -> str:
        """Base URL for in-process use with ``httpx.ASGITransport``."""
        return "http://localhost"

    @property
    def api_key(self) -> str:
        """The merchant key that works now: ``dcy_live_`` + 40 lowercase hex."""
        return self._state.keys.current

    @property
    def webhook_secret(self) -> str:
        """The secret that signs ``X-Dancity-Signature``."""
        return self._state.outbox.secret

    @property
    def user_id(self) -> str:
        """The account's user (the ``sub`` of JWTs that may read its wallet)."""
        return self._state.ledger.user_id

    @property
    def wallet_id(self) -> str:
        """The signed-in user's main wallet id (24 hex)."""
        return self._state.ledger.wallets["main"].id

    @property
    def bonus_wallet_id(self) -> str:
        """The bonus wallet's id."""
        return self._state.ledger.wallets["bonus"].id

    @property
    def allowlist(self) -> tuple[str, ...]:
        """The current allowlist in CIDR notation."""
        return self._state.allowlist.entries

    @property
    def transactions(self) -> list[dict[str, JSONValue]]:
        """Every transaction record, oldest first (copies; money as ``Decimal``)."""
        return self._state.ledger.records()

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every signed webhook delivery, oldest first."""
        return self._state.outbox.deliveries

    @property
    def rotated_webhook_secret(self) -> str:
        """The secret after a rotation: ``webhook_faults.rotated_secret_rate`` signs with it."""
        return self._state.outbox.rotated_secret

    async def deliver_webhooks(self) -> list[OutgoingWebhook]:
        """With ``webhook_faults``: send the queued deliveries as the real service would.

        Each is retried on a non-2xx (or no answer) on the documented schedule, scaled by
        the faults' ``time_scale``; returns them with every attempt recorded.
        """
        return await self._state.outbox.deliver()

    def balance(self, wallettype: str = "main") -> Decimal:
        """The balance of the ``main`` or ``bonus`` wallet."""
        return self._state.ledger.wallets[wallettype].balance

    def regenerate_key(self) -> str:
        """Rotate the merchant key; the old key gets 401 "Your API key is not active"."""
        return self._state.keys.rotate()

    def issue_jwt(self, user_id: str = DEFAULT_USER, ttl: float = DEFAULT_JWT_TTL) -> str:
        """An HS256 JWT (``sub``, ``iat``, ``exp``) for the App API; a negative ttl expires it."""
        return self._state.jwt.issue(user_id, ttl)

    def set_allowlist(self, entries: Iterable[str]) -> None:
        """Replace the allowlist (``[]`` blocks every merchant call, as documented).

        Raises:
            ValueError: an entry is not an IP/CIDR, or there are more than 20.
        """
        self._state.allowlist.replace(entries)

    def fail_next(self, kind: FaultKind, *, delay: float = DEFAULT_DELAY) -> None:
        """Make the next processed purchase misbehave *after* it was charged and recorded.

        Args:
            kind: ``"server_error"`` answers 500; ``"delay"`` sleeps ``delay`` seconds, then
                answers; ``"drop"`` closes the connection mid-response (in-process: raises
                [`DroppedConnectionError`][dancity_sdk.testing.DroppedConnectionError], an
                ``httpx.TransportError``).
            delay: seconds to stall for ``"delay"``.

        Raises:
            ValueError: unknown ``kind`` or negative ``delay``.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {kind!r}")
        if delay < 0:
            raise ValueError("delay must not be negative")
        self._state.faults.push(Fault(kind, delay))

    async def set_transaction_status(self, tranx_id: str, status: Status) -> dict[str, JSONValue]:
        """Settle an open (PENDING/PROCESSING) transaction and send its webhook.

        Raises:
            ValueError: ``status`` is not a transaction status.
            LookupError: no such transaction, or it is already final.
        """
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        try:
            record, events = self._state.ledger.set_status(tranx_id, status)
        except ApiError as error:
            raise LookupError(error.body["message"]) from error
        await self._state.outbox.publish(events)
        return record

    @contextmanager
    def serve_in_thread(self, *, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
        """Serve over a real loopback socket from a background thread (own event loop).

        Yields:
            The base URL, e.g. ``http://127.0.0.1:54321``.
        """
        with _server.serve_in_thread(self._app, host=host, port=port) as url:
            yield url
