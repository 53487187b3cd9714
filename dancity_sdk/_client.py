"""``AsyncDancityClient``: two route families, each fixed to its own credential.

``client.vas.*`` (the merchant API) always sends the ``dcy_live_`` key plus ``channel``
under the VAS prefix; ``client.app.*`` (the first-party App API) always sends the user
JWT under ``/api`` and never ``channel``. The credential classes validate formats, so a
JWT can never be configured as the key nor the key as the JWT, and the family decides
which one a route gets, so neither can reach the other family's routes.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Self

import httpx

from dancity_sdk._errors import parse_error, refused_status
from dancity_sdk._exceptions import ERRORS, ConfigurationError, MissingCredentialError
from dancity_sdk._families import APP, APP_PREFIX, VAS
from dancity_sdk._wire import loads
from shared_auth import (
    NOT_GIVEN,
    BaseAsyncClient,
    DancityChannel,
    DancityJWTAuth,
    DancityKeyAuth,
    NotGiven,
    RetryPolicy,
    Route,
    Secret,
    Throttle,
    TimeoutArgument,
    TokenProvider,
    resolve_policy,
)
from shared_auth._config import check_api_host
from shared_auth._errortable import converting
from shared_auth._logenv import apply_log_env
from shared_auth._version import VERSION

if TYPE_CHECKING:
    from shared_auth import CallFunction, Journal
    from shared_auth.fleet import RateBudgetOutage

__all__ = ["DEFAULT_BASE_URL", "AsyncDancityClient", "resolve_api_version"]

DEFAULT_BASE_URL: Final = "https://api.dancity.app"
_USER_AGENT: Final = f"dancity-sdk-python/{VERSION}"
_LOGGER: Final = logging.getLogger("dancity_sdk")


_NO_KEY: Final = (
    "client.vas.* needs the merchant API key (dcy_live_<40 hex>): pass "
    "AsyncDancityClient(api_key=...), set DANCITY_API_KEY for from_env(), or call "
    "client.set_api_key(...). A user JWT is never sent to VAS routes."
)
_NO_JWT: Final = (
    "client.app.* needs a user JWT: pass AsyncDancityClient(jwt=...) (a token or an async "
    "provider), set DANCITY_JWT for from_env(), or call client.set_jwt(...). The merchant "
    "key is never sent to App routes."
)

JWTArgument = str | Secret | TokenProvider


def _jwt_auth(jwt: object) -> DancityJWTAuth:
    if isinstance(jwt, str | Secret):
        return DancityJWTAuth(jwt)
    if callable(jwt):
        return DancityJWTAuth(provider=jwt)
    msg = f"jwt must be a token (str or Secret) or an async provider, not {type(jwt).__name__}"
    raise ConfigurationError(msg)


def resolve_api_version(api_version: object, vas_prefix: object) -> str:
    """The generation a client talks to (the newest description when none is given).

    ``api_version`` wins; the deprecated ``vas_prefix`` maps to the newest generation
    served under it, and must agree with ``api_version`` when both are given.

    Raises:
        ConfigurationError: an unknown ``api_version`` or ``vas_prefix``, or the two disagree.
    """
    from dancity_sdk._spec import API_VERSIONS, DEFAULT_API_VERSION  # noqa: PLC0415

    from_prefix = None if vas_prefix is None else _version_of_prefix(vas_prefix)
    if api_version is None:
        return from_prefix or DEFAULT_API_VERSION
    if api_version not in API_VERSIONS:
        known = ", ".join(repr(v) for v in API_VERSIONS)
        msg = f"api_version must be one of {known} (a description's date); got {api_version!r}"
        raise ConfigurationError(msg)
    assert isinstance(api_version, str)  # noqa: S101 - one of API_VERSIONS
    if from_prefix is not None:
        from dancity_sdk._spec import GENERATIONS  # noqa: PLC0415

        if GENERATIONS[api_version].prefix != str(vas_prefix).rstrip("/"):
            msg = (
                f"vas_prefix={vas_prefix!r} contradicts api_version={api_version!r} (served "
                f"under {GENERATIONS[api_version].prefix!r}); pass api_version alone"
            )
            raise ConfigurationError(msg)
    return api_version


def _version_of_prefix(vas_prefix: object) -> str:
    warnings.warn(
        "vas_prefix is deprecated: pass api_version='2026-05-31' (/api/v1) or '2026-05-09' / "
        "'2026-04-27' (/api/external/v1) instead",
        DeprecationWarning,
        stacklevel=4,
    )
    from dancity_sdk._spec import GENERATIONS  # noqa: PLC0415

    # Oldest first, so each prefix ends up naming the newest generation served under it.
    newest = {g.prefix: version for version, g in GENERATIONS.items()}
    version = newest.get(vas_prefix.rstrip("/")) if isinstance(vas_prefix, str) else None
    if version is None:
        choices = " or ".join(f"{p!r} (api_version {v!r})" for p, v in newest.items())
        msg = f"vas_prefix must be {choices}; got {vas_prefix!r}"
        raise ConfigurationError(msg)
    return version


class AsyncDancityClient(BaseAsyncClient):
    """The async client for Dancity's merchant (VAS) and App APIs.

    Use it as ``async with AsyncDancityClient(api_key=..., jwt=...) as dc:``. Purchases
    answer HTTP 200 even when the vend failed: always look at ``tx.status`` (or
    ``tx.succeeded``) on what they return.

    Args:
        api_key: The merchant key ``dcy_live_<40 hex>`` for ``client.vas.*``.
        jwt: A user JWT, or an async callable returning a fresh one, for ``client.app.*``.
        base_url: ``https://api.dancity.app``; ``http://`` only for a loopback sandbox.
        api_version: The description to follow, by date: ``"2026-05-31"`` (``/api/v1``,
            the default: the newest), ``"2026-05-09"`` or ``"2026-04-27"``
            (``/api/external/v1``). It decides paths, bodies and which operations exist.
        vas_prefix: Deprecated: ``"/api/v1"`` means ``api_version="2026-05-31"``,
            ``"/api/external/v1"`` means ``"2026-05-09"``.
        channel: The ``channel`` header on VAS routes; ``"API"`` for server integrations.
        timeout: Per-attempt timeout in seconds (or an ``httpx.Timeout``); default 30 s,
            10 s to connect; ``None`` disables it.
        max_retries: Retries after a failed first attempt (default 2).
        deadline: Seconds a whole call may take, throttle, JWT refresh, retries and waits
            included (default 120; ``None``: no bound).
        retry: A full [`RetryPolicy`][dancity_sdk.RetryPolicy] (``max_retries``/``deadline``
            override its fields).
        throttle: Keep under the documented 120 requests/minute per key and 30
            purchases/minute on the client side instead of collecting 429s.
        rate_budget: Where those windows live: in this process (``None``, the default), or
            a ``redis://`` URL (or a blocking ``redis.Redis``) to share them with every
            process and host using the same key (needs the ``redis`` extra).
        rate_budget_outage: What a shared ``rate_budget`` does while its Redis is
            unreachable: ``"fail"`` (the default) raises `RateBudgetUnavailableError` and
            sends nothing; ``shared_auth.fleet.LocalFallback(processes=N)`` throttles each
            process to its share of each window (``limit // N``) until Redis answers again.
        journal: A purchase journal (``shared_auth.fleet.Journal``, a SQLite file path or
            a ``redis://`` URL): each purchase is claimed by its ``customer_ref`` before it
            is sent, so a retried job returns the recorded transaction instead of buying
            again. The journal must exist (``python -m shared_auth.fleet init``); check it
            at startup with ``check_journal()``. See "Running many workers" in the README.
        http_client: An ``httpx.AsyncClient`` you own and close yourself.
        max_concurrency: How many requests the client sends at once (its ``with_options``
            copies and blocking twin included: they share one pool); further calls wait
            their turn, first come first served, within their deadline. Default: the
            connection pool's ``max_connections`` (100 when it is unknown or unbounded),
            shared with every client using the same ``http_client``.
        default_headers: Headers sent with every request (never ``Authorization`` or
            ``channel``, which the route family's credential sets).

    Raises:
        MissingCredentialError: neither ``api_key`` nor ``jwt`` was given.
        ConfigurationError: a credential has the wrong format, or an unknown
            ``api_version``/``vas_prefix``.
    """

    _api_name = "Dancity"
    _errors = ERRORS

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        jwt: JWTArgument | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str | None = None,
        vas_prefix: str | None = None,
        channel: DancityChannel = "API",
        timeout: TimeoutArgument = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        throttle: bool = True,
        http_client: httpx.AsyncClient | None = None,
        max_concurrency: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        rate_budget: Any = None,
        rate_budget_outage: RateBudgetOutage = "fail",
        journal: Journal | str | os.PathLike[str] | None = None,
    ) -> None:
        if api_key is None and jwt is None:
            msg = (
                "AsyncDancityClient needs at least one credential: api_key= (the dcy_live_ "
                "merchant key, for client.vas.*) and/or jwt= (a user JWT or async provider, "
                "for client.app.*), or DANCITY_API_KEY / DANCITY_JWT with from_env()"
            )
            raise MissingCredentialError(msg)
        # The route tables, resources and models load with the first client, not with the
        # package: ``import dancity_sdk`` stays cheap.
        from dancity_sdk._fleet import journal_hook, rate_windows  # noqa: PLC0415
        from dancity_sdk._models import make_dancity_converter  # noqa: PLC0415
        from dancity_sdk._spec import GENERATIONS, THROTTLE_LIMITS, THROTTLE_WINDOW  # noqa: PLC0415

        generation = GENERATIONS[resolve_api_version(api_version, vas_prefix)]
        self._api_version = generation.api_version
        self._channel: DancityChannel = channel
        self._key_auth = None if api_key is None else DancityKeyAuth(api_key, channel=channel)
        self._jwt_auth = None if jwt is None else _jwt_auth(jwt)
        self._vas_prefix = generation.prefix
        check_api_host(base_url, api=self._api_name)
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            http_client=http_client,
            max_concurrency=max_concurrency,
            default_headers=default_headers,
            retry=resolve_policy(retry, max_retries=max_retries, deadline=deadline),
            parse_error=parse_error,
            converter=make_dancity_converter,
            envelope=refused_status,
            logger=_LOGGER,
            user_agent=_USER_AGENT,
            json_loads=loads,
            journal=journal_hook(journal, self._call, generation),
        )
        key = "" if self._key_auth is None else self._key_auth.key.get_secret_value()
        windows = {name: (limit, THROTTLE_WINDOW) for name, limit in THROTTLE_LIMITS.items()}
        self._throttles, self._observe_rate = rate_windows(
            rate_budget, api_key=key, enabled=throttle, windows=windows, outage=rate_budget_outage
        )
        self._generation = generation
        self._bind_resources()

    def _bind_resources(self) -> None:
        from dancity_sdk._resources import AppNamespace, VasNamespace  # noqa: PLC0415

        call: CallFunction = self._call
        self.vas = VasNamespace(call, self._generation)
        self.app = AppNamespace(call)

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | Secret | NotGiven | None = NOT_GIVEN,
        jwt: JWTArgument | NotGiven | None = NOT_GIVEN,
        base_url: str | NotGiven = NOT_GIVEN,
        api_version: str | NotGiven | None = NOT_GIVEN,
        vas_prefix: str | NotGiven | None = NOT_GIVEN,
        channel: DancityChannel = "API",
        timeout: TimeoutArgument = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        throttle: bool = True,
        http_client: httpx.AsyncClient | None = None,
        max_concurrency: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
        rate_budget: Any = None,
        rate_budget_outage: RateBudgetOutage = "fail",
        journal: Journal | str | os.PathLike[str] | None = None,
    ) -> Self:
        """Build a client from the ``DANCITY_*`` environment variables.

        Reads ``DANCITY_API_KEY``, ``DANCITY_JWT``, ``DANCITY_BASE_URL`` and
        ``DANCITY_API_VERSION`` (``DANCITY_VAS_PREFIX`` still works, deprecated).
        Keyword arguments are the constructor's and override the environment
        (``jwt=None``: no JWT even if ``DANCITY_JWT`` is set). ``DANCITY_LOG=debug`` (or
        ``info``) turns on the ``dancity_sdk`` logger with a stderr handler; nothing else
        reads it.

        Args:
            api_key: Instead of ``DANCITY_API_KEY``.
            jwt: Instead of ``DANCITY_JWT`` (a token or an async provider).
            base_url: Instead of ``DANCITY_BASE_URL``.
            api_version: Instead of ``DANCITY_API_VERSION``.
            vas_prefix: Instead of ``DANCITY_VAS_PREFIX`` (deprecated).
            channel: As for the constructor.
            timeout: As for the constructor.
            max_retries: As for the constructor.
            deadline: As for the constructor.
            retry: As for the constructor.
            throttle: As for the constructor.
            http_client: As for the constructor.
            max_concurrency: As for the constructor.
            default_headers: As for the constructor.
            environ: Where to read the variables (default: ``os.environ``).
            rate_budget: As for the constructor.
            rate_budget_outage: As for the constructor.
            journal: As for the constructor.

        Raises:
            MissingCredentialError: Neither a key nor a JWT, from either source.
            ConfigurationError: A value is invalid.
        """
        env = os.environ if environ is None else environ
        apply_log_env("DANCITY_LOG", "dancity_sdk", env)
        if isinstance(api_key, NotGiven):
            api_key = env.get("DANCITY_API_KEY", "").strip() or None
        if isinstance(jwt, NotGiven):
            jwt = env.get("DANCITY_JWT", "").strip() or None
        if isinstance(base_url, NotGiven):
            base_url = env.get("DANCITY_BASE_URL", "").strip() or DEFAULT_BASE_URL
        if isinstance(api_version, NotGiven):
            api_version = env.get("DANCITY_API_VERSION", "").strip() or None
        if isinstance(vas_prefix, NotGiven):
            vas_prefix = env.get("DANCITY_VAS_PREFIX", "").strip() or None
        return cls(
            api_key,
            jwt=jwt,
            base_url=base_url,
            api_version=api_version,
            vas_prefix=vas_prefix,
            channel=channel,
            timeout=timeout,
            max_retries=max_retries,
            deadline=deadline,
            retry=retry,
            throttle=throttle,
            http_client=http_client,
            max_concurrency=max_concurrency,
            default_headers=default_headers,
            rate_budget=rate_budget,
            rate_budget_outage=rate_budget_outage,
            journal=journal,
        )

    @property
    def api_version(self) -> str:
        """The Dancity description this client follows (``"2026-05-31"``…)."""
        return self._api_version

    @property
    def vas_prefix(self) -> str:
        """The VAS path prefix of the selected ``api_version``."""
        return self._vas_prefix

    @converting
    def set_api_key(self, api_key: str | Secret) -> None:
        """Use a new merchant key from the next request on (regenerating kills the old one)."""
        if self._key_auth is None:
            self._key_auth = DancityKeyAuth(api_key, channel=self._channel)
        else:
            self._key_auth.set_key(api_key)

    @converting
    def set_jwt(self, jwt: str | Secret) -> None:
        """Use a new user JWT from the next App request on."""
        if self._jwt_auth is None:
            self._jwt_auth = DancityJWTAuth(jwt)
        else:
            self._jwt_auth.set_token(jwt)

    def _route_target(self, route: Route) -> tuple[httpx.Auth, str]:
        if route.family == VAS:
            if self._key_auth is None:
                raise MissingCredentialError(_NO_KEY)
            return self._key_auth, self._vas_prefix
        if route.family == APP:
            if self._jwt_auth is None:
                raise MissingCredentialError(_NO_JWT)
            self._jwt_auth.check_expiry()  # an expired static JWT: refused before any I/O
            return self._jwt_auth, APP_PREFIX
        msg = f"unknown route family {route.family!r}"  # a bug in the route table
        raise ConfigurationError(msg)

    def _route_throttles(self, route: Route) -> tuple[Throttle, ...]:
        throttles = self._throttles
        if not throttles:
            return ()
        return tuple(throttles[name] for name in route.throttles)

    def __repr__(self) -> str:
        families = [name for name, auth in ((VAS, self._key_auth), (APP, self._jwt_auth)) if auth]
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, "
            f"api_version={self._api_version!r}, families={families!r})"
        )
