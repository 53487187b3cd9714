"""``AsyncDancityClient``: two route families, each fixed to its own credential.

``client.vas.*`` (the merchant API) always sends the ``dcy_live_`` key plus ``channel``
under the VAS prefix; ``client.app.*`` (the first-party App API) always sends the user
JWT under ``/api`` and never ``channel``. The credential classes validate formats, so a
JWT can never be configured as the key nor the key as the JWT, and the family decides
which one a route gets, so neither can reach the other family's routes.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Final, Self, Unpack

import httpx

from dancity_sdk._credentials import DancityChannel, DancityJWTAuth, DancityKeyAuth
from dancity_sdk._errors import parse_error, refused_status
from dancity_sdk._exceptions import ERRORS, ConfigurationError, MissingCredentialError
from dancity_sdk._families import APP, APP_PREFIX, VAS
from dancity_sdk._wire import loads
from shared_auth import NOT_GIVEN, NotGiven, Secret
from shared_auth._auth import TokenProvider
from shared_auth._client import BaseAsyncClient
from shared_auth._config import check_api_host
from shared_auth._errortable import converting
from shared_auth._options import ClientOptions, check_options, rate_budget_of
from shared_auth._routes import Route
from shared_auth._throttle import Throttle
from shared_auth._version import VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shared_auth._routes import CallFunction

__all__ = ["DEFAULT_BASE_URL", "AsyncDancityClient", "DancityOptions", "resolve_api_version"]

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

#: What ``jwt=`` takes: a user JWT (``str`` or `Secret`) or an async provider of fresh ones.
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


class DancityOptions(ClientOptions, total=False):
    """The options of [AsyncDancityClient][dancity_sdk.AsyncDancityClient] (and its twin).

    Those below, for Dancity's two families, and every
    [ClientOptions][shared_auth.ClientOptions] one.

    Attributes:
        jwt: A user JWT, or an async callable returning a fresh one, for ``client.app.*``.
        base_url: ``https://api.dancity.app`` (the default); ``http://`` only for a
            loopback sandbox.
        api_version: The description to follow, by date: ``"2026-05-31"`` (``/api/v1``,
            the default: the newest), ``"2026-05-09"`` or ``"2026-04-27"``
            (``/api/external/v1``). It decides paths, bodies and which operations exist.
        vas_prefix: Deprecated: ``"/api/v1"`` means ``api_version="2026-05-31"``,
            ``"/api/external/v1"`` means ``"2026-05-09"``.
        channel: The ``channel`` header on VAS routes (default ``"API"``, for server
            integrations).
        throttle: Keep under the documented 120 requests/minute per key and 30
            purchases/minute on the client side instead of collecting 429s (default
            ``True``).
    """

    jwt: JWTArgument | None
    base_url: str
    api_version: str | None
    vas_prefix: str | None
    channel: DancityChannel
    throttle: bool


class AsyncDancityClient(BaseAsyncClient):
    """The async client for Dancity's merchant (VAS) and App APIs.

    Use it as ``async with AsyncDancityClient(api_key=..., jwt=...) as dc:``. Purchases
    answer HTTP 200 even when the vend failed: always look at ``tx.status`` (or
    ``tx.succeeded``) on what they return.

    Args:
        api_key: The merchant key ``dcy_live_<40 hex>`` for ``client.vas.*``.
        **options: The client's options, each described in
            [DancityOptions][dancity_sdk.DancityOptions] (``jwt=`` for ``client.app.*``).
            With ``journal=``, each purchase is claimed in the journal by its
            ``customer_ref`` before it is sent.

    Raises:
        MissingCredentialError: neither ``api_key`` nor ``jwt`` was given.
        ConfigurationError: a credential has the wrong format, or an unknown
            ``api_version``/``vas_prefix``.
    """

    _api_name = "Dancity"
    _errors = ERRORS

    _env_prefix = "DANCITY"
    _env_options = ("api_key", "jwt", "base_url", "api_version", "vas_prefix")
    _env_logger = "dancity_sdk"

    def __init__(
        self, api_key: str | Secret | None = None, **options: Unpack[DancityOptions]
    ) -> None:
        check_options(options, DancityOptions, method=f"{type(self).__name__}()")
        jwt = options.get("jwt")
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

        version = resolve_api_version(options.get("api_version"), options.get("vas_prefix"))
        generation = GENERATIONS[version]
        self._api_version = generation.api_version
        channel = self._channel = options.get("channel", "API")
        self._key_auth = None if api_key is None else DancityKeyAuth(api_key, channel=channel)
        self._jwt_auth = None if jwt is None else _jwt_auth(jwt)
        self._vas_prefix = generation.prefix
        base_url = options.get("base_url", DEFAULT_BASE_URL)
        check_api_host(base_url, api=self._api_name)
        super().__init__(
            options,
            base_url=base_url,
            parse_error=parse_error,
            converter=make_dancity_converter,
            envelope=refused_status,
            logger=_LOGGER,
            user_agent=_USER_AGENT,
            json_loads=loads,
            journal=journal_hook(options.get("journal"), self._call, generation),
        )
        key = "" if self._key_auth is None else self._key_auth.key.get_secret_value()
        windows = {name: (limit, THROTTLE_WINDOW) for name, limit in THROTTLE_LIMITS.items()}
        rate_budget, outage = rate_budget_of(options)
        self._throttles, self._observe_rate = rate_windows(
            rate_budget,
            api_key=key,
            enabled=options.get("throttle", True),
            windows=windows,
            outage=outage,
        )
        self._generation = generation
        self._bind_resources()

    def _bind_resources(self) -> None:
        from dancity_sdk._resources import AppNamespace, VasNamespace  # noqa: PLC0415

        call: CallFunction = self._call
        self.vas: VasNamespace = VasNamespace(call, self._generation)
        self.app: AppNamespace = AppNamespace(call)

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | Secret | NotGiven | None = NOT_GIVEN,
        environ: Mapping[str, str] | None = None,
        **options: Unpack[DancityOptions],
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
            environ: Where to read the variables (default: ``os.environ``).
            **options: The constructor's options
                ([DancityOptions][dancity_sdk.DancityOptions]); ``jwt``, ``base_url``,
                ``api_version`` and ``vas_prefix`` instead of ``DANCITY_JWT``,
                ``DANCITY_BASE_URL``, ``DANCITY_API_VERSION`` and ``DANCITY_VAS_PREFIX``.

        Raises:
            MissingCredentialError: Neither a key nor a JWT, from either source.
            ConfigurationError: A value is invalid.
        """
        check_options(options, DancityOptions, method=f"{cls.__name__}.from_env()")
        found = cls._from_environment(environ, {**options, "api_key": api_key})
        return cls(found.pop("api_key", None), **found)

    @property
    def api_version(self) -> str:
        """The Dancity description this client follows (``"2026-05-31"``…)."""
        return self._api_version

    @property
    def vas_prefix(self) -> str:
        """The VAS path prefix of the selected ``api_version``."""
        return self._vas_prefix

    def takes(self, operation: str, field: str) -> bool:
        """Whether this client's ``api_version`` declares request field ``field`` on ``operation``.

        Read from the SDK's declaration of each generation, so code that serves several
        generations asks instead of comparing dates: ``dc.takes("airtime.buy", "pin")`` is
        true on 2026-04-27 only (later generations refuse ``pin=`` before sending).

        Args:
            operation: The operation's name as the declarations and the reference give it
                (``"airtime.buy"``, ``"internet.buy"``, ``"transactions.list"``…).
            field: The field's wire name (``"pin"``, ``"promocode"``, ``"customerRef"``…).

        Returns:
            False as well when this generation has no such operation.
        """
        declared = self._generation.operations.get(operation)
        return declared is not None and declared.wire_field(field) is not None

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
