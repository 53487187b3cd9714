"""``AsyncDptcayClient``: the dptcay API over one ``httpx.AsyncClient``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final, Self, Unpack

import httpx

from dptcay_sdk._credentials import DptcayKeyAuth
from dptcay_sdk._errors import KeyRotationError, parse_error
from dptcay_sdk._exceptions import ERRORS, APIError, ConfigurationError, InvalidInputError
from dptcay_sdk._spec import BASE_PATH, RATE_PLANS, RatePlanName
from shared_auth import NOT_GIVEN, NotGiven, Secret
from shared_auth._client import BaseAsyncClient
from shared_auth._config import check_api_host
from shared_auth._options import ClientOptions, check_options, rate_budget_of
from shared_auth._routes import Route
from shared_auth._throttle import Throttle
from shared_auth._version import VERSION as _VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping

    import anyio

    from dptcay_sdk._models import ApiKey

__all__ = ["DEFAULT_BASE_URL", "VERSION", "AsyncDptcayClient", "DptcayOptions", "RatePlanName"]

VERSION: Final = _VERSION  # the distribution's, from shared_auth/_version.py
#: The API root a client uses unless given ``base_url=`` (or ``DPTCAY_BASE_URL``).
DEFAULT_BASE_URL: Final = "https://api.dptcay.com" + BASE_PATH
#: How long rotation waits for requests sent with the old key before revoking it anyway.
_DRAIN_TIMEOUT: Final = 30.0
_DRAIN_POLL: Final = 0.005

_logger: Final = logging.getLogger("dptcay_sdk")


def _throttle_for(rate_plan: RatePlanName | tuple[int, float] | None) -> tuple[Throttle, ...]:
    if rate_plan is None:
        return ()
    if isinstance(rate_plan, str):
        # The documented plans; their burst figures are not enforced client-side.
        plan = RATE_PLANS.get(rate_plan)
        if plan is None:
            names = ", ".join(RATE_PLANS)
            msg = f"rate_plan must be one of {names} or a (limit, window_seconds) tuple"
            raise ConfigurationError(msg)
        return (Throttle(plan.limit, plan.window),)
    try:
        limit, window = rate_plan
        return (Throttle(int(limit), float(window)),)
    except (TypeError, ValueError) as exc:
        msg = (
            "rate_plan must be a plan name or a (limit, window_seconds) tuple with limit >= 1 "
            f"and window > 0; got {rate_plan!r}"
        )
        raise ConfigurationError(msg) from exc


class DptcayOptions(ClientOptions, total=False):
    """What [AsyncDptcayClient][dptcay_sdk.AsyncDptcayClient] and its twin take.

    The two below, and every [ClientOptions][shared_auth.ClientOptions] option.

    Attributes:
        base_url: The API root (default ``https://api.dptcay.com/v1``). ``http://`` is
            accepted only for a loopback host (the sandbox). The docs' curl examples use
            ``https://api.dptcay.io/v1``.
        rate_plan: Throttle client-side to your plan (``"starter"``, ``"growth"``,
            ``"scale"``) or to ``(limit, window_seconds)``, so calls wait for a free slot
            instead of collecting 429s (default: no throttle). A shared ``rate_budget``
            shares this window.
    """

    base_url: str
    rate_plan: RatePlanName | tuple[int, float] | None


class AsyncDptcayClient(BaseAsyncClient):
    """The async dptcay client.

    Use it as an async context manager; it opens its HTTP connections lazily, inside the
    running event loop::

        async with AsyncDptcayClient(api_key="dp_test_sk_…") as dp:
            payment = await dp.payments.create(amount=Decimal("125.50"), currency="USDC")

    Args:
        api_key: A ``dp_live_sk_…`` or ``dp_test_sk_…`` key (``str`` or `Secret`).
            Anything else (such as a Dancity ``dcy_live_`` key) is refused before any I/O.
        **options: The client's options, each described in
            [DptcayOptions][dptcay_sdk.DptcayOptions]. With ``journal=``,
            ``payments.create`` with an ``order_id`` and ``refunds.create`` are claimed in
            the journal before they are sent.

    Attributes:
        payments: Create and read payments.
        refunds: Refund payments.
        currencies: The supported assets.
        webhooks: Register endpoints and verify deliveries.
        keys: Create and revoke API keys.
    """

    _api_name = "dptcay"
    _errors = ERRORS

    _env_prefix = "DPTCAY"
    _env_options = ("api_key", "base_url")
    _env_logger = "dptcay_sdk"

    def __init__(self, api_key: str | Secret, **options: Unpack[DptcayOptions]) -> None:
        check_options(options, DptcayOptions, method=f"{type(self).__name__}()")
        from dptcay_sdk._fleet import journal_hook, shared_throttles  # noqa: PLC0415

        self._auth = DptcayKeyAuth(api_key)
        base_url = options.get("base_url", DEFAULT_BASE_URL)
        check_api_host(base_url, api=self._api_name)
        self._target: tuple[httpx.Auth, str] = (self._auth, "")
        self._throttles = _throttle_for(options.get("rate_plan"))
        self._rotation_lock: anyio.Lock | None = None
        self._rotations = 0
        self._last_rotation: ApiKey | None = None
        from dptcay_sdk._models import make_dptcay_converter  # noqa: PLC0415 - import time

        super().__init__(
            options,
            base_url=base_url,
            parse_error=parse_error,
            converter=make_dptcay_converter,
            logger=_logger,
            user_agent=f"dptcay-sdk-python/{VERSION}",
            journal=journal_hook(options.get("journal")),
        )
        rate_budget, outage = rate_budget_of(options)
        self._throttles, self._observe_rate = shared_throttles(
            rate_budget, self._throttles, api_key=self._auth.key.get_secret_value(), outage=outage
        )
        self._bind_resources()

    def _bind_resources(self) -> None:
        # The resources (and the models they return) load with the first client, not with
        # the package: ``import dptcay_sdk`` stays cheap.
        from dptcay_sdk._resources import (  # noqa: PLC0415
            Currencies,
            Keys,
            Payments,
            Refunds,
            Webhooks,
        )

        call = self._call
        self.payments: Payments = Payments(call)
        self.refunds: Refunds = Refunds(call)
        self.currencies: Currencies = Currencies(call)
        self.webhooks: Webhooks = Webhooks(call)
        self.keys: Keys = Keys(call)

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | Secret | NotGiven = NOT_GIVEN,
        environ: Mapping[str, str] | None = None,
        **options: Unpack[DptcayOptions],
    ) -> Self:
        """Build a client from ``DPTCAY_API_KEY`` and, if set, ``DPTCAY_BASE_URL``.

        Keyword arguments are the constructor's and override the environment.
        ``DPTCAY_LOG=debug`` (or ``info``) turns on the ``dptcay_sdk`` logger with a stderr
        handler; nothing else reads it.

        Args:
            api_key: Instead of ``DPTCAY_API_KEY``.
            environ: Where to read the variables (default: ``os.environ``).
            **options: The constructor's options
                ([DptcayOptions][dptcay_sdk.DptcayOptions]); ``base_url`` instead of
                ``DPTCAY_BASE_URL``.

        Raises:
            ConfigurationError: No key (``DPTCAY_API_KEY`` is missing or empty and no
                ``api_key=``), or a value is invalid.
        """
        check_options(options, DptcayOptions, method=f"{cls.__name__}.from_env()")
        found = cls._from_environment(environ, {**options, "api_key": api_key})
        key = found.pop("api_key", None)
        if not key:
            msg = (
                "the environment variable DPTCAY_API_KEY is not set (or empty): set it to your "
                "dptcay key (dp_live_sk_… or dp_test_sk_…), or pass api_key= to AsyncDptcayClient"
            )
            raise ConfigurationError(msg)
        return cls(key, **found)

    @property
    def api_key(self) -> Secret:
        """The key in use (it changes after `rotate_key`)."""
        return self._auth.key

    @property
    def livemode(self) -> bool:
        """``True`` for a live key, ``False`` for a test (sandbox) key."""
        return self._auth.livemode

    def _route_target(self, route: Route) -> tuple[httpx.Auth, str]:
        del route  # one credential and no prefix for every dptcay route
        return self._target

    def _route_throttles(self, route: Route) -> tuple[Throttle, ...]:
        del route  # the limit is per key, across every route
        return self._throttles

    async def rotate_key(self, *, scope: str = "write", label: str | None = None) -> ApiKey:
        """Replace the client's key without dropping a request (the documented pattern).

        1. Create a new key, authenticated with the current one.
        2. Switch the client to it: every request that starts from now on carries it.
        3. Wait until no request sent with the old key is still in flight (at most 30 s;
           after that the old key is revoked anyway and a warning is logged), so none
           can reach the server after step 4.
        4. Revoke the old key, authenticated with the new one.

        Concurrent calls do not rotate twice: a call made while a rotation is running
        waits for it and returns the same new key.

        Args:
            scope: The new key's scope; only ``"write"``: a read key could not revoke
                the old one, nor rotate again.
            label: The new key's label.

        Returns:
            The new key; store ``.key`` now, the API never shows it again.

        Raises:
            InvalidInputError: ``scope`` is not ``"write"`` (nothing was changed).
            APIError: Creating the new key failed (nothing was changed).
            KeyRotationError: The client switched to the new key but revoking the old one
                failed; the error carries the new key.
        """
        if scope != "write":
            msg = (
                f"rotate_key needs scope='write' (got {scope!r}): the new key must be able to "
                "revoke the old one. Create read keys with keys.create(scope='read')"
            )
            raise InvalidInputError(msg, field="scope")
        if self._rotation_lock is None:
            import anyio  # noqa: PLC0415 - rotation is rare: not worth loading anyio at import

            self._rotation_lock = anyio.Lock()
        rotations = self._rotations
        async with self._rotation_lock:
            # A rotation that finished while this one waited already replaced the key this
            # caller wanted replaced: join it rather than create a second key (which would
            # leave one of the two new keys active and unknown to the other caller).
            if self._rotations != rotations and self._last_rotation is not None:
                return self._last_rotation
            new = await self._rotate(label)
            self._rotations += 1
            self._last_rotation = new
            return new

    async def _rotate(self, label: str | None) -> ApiKey:
        old = self._auth.key
        new = await self.keys.create(scope="write", label=label)
        self._auth.set_key(new.key)
        await self._drain(old)
        try:
            await self.keys.revoke(old)
        except APIError as exc:
            msg = (
                "the client now uses the new key, but revoking the old key failed; store "
                f"the new key (error.new_key) and revoke the old one again: {exc}"
            )
            raise KeyRotationError(msg, new_key=new) from exc
        return new

    async def _drain(self, old: Secret) -> None:
        """Wait until no request carrying ``old`` can still reach the server."""
        import anyio  # noqa: PLC0415 - rotation is rare: not worth loading anyio at import

        in_flight = self._auth.in_flight
        with anyio.move_on_after(_DRAIN_TIMEOUT):
            # Polling keeps the hot path free of any event bookkeeping; rotation is rare.
            while in_flight(old):  # noqa: ASYNC110
                await anyio.sleep(_DRAIN_POLL)
        stragglers = in_flight(old)
        if stragglers:
            _logger.warning(
                "revoking the old dptcay key with %d request(s) still in flight after %.0f s",
                stragglers,
                _DRAIN_TIMEOUT,
            )

    def __repr__(self) -> str:
        return (
            f"AsyncDptcayClient(base_url={self.base_url!r}, livemode={self.livemode}, "
            f"api_key={self.api_key!r})"
        )
