"""Every Dancity operation, declared once per API generation: the one place each fact lives.

Dancity has published three descriptions of its merchant (VAS) API (``openapi.json`` in
``Msorg-Developers/docs``, vendored under ``tests/data/dancity-openapi/``). A client
selects one by its date, ``api_version``:

==============  =========  ======================  =========================================
api_version     commit     VAS prefix              what sets it apart
==============  =========  ======================  =========================================
``2026-04-27``  a868848    ``/api/external/v1``    ``pin`` required in every buy body;
                                                   ``GET /cable/validate``
``2026-05-09``  c9b303d    ``/api/external/v1``    unified ``POST /validate``; no ``pin``
``2026-05-31``  c3ab95a    ``/api/v1``             split ``POST`` validations; no cards
==============  =========  ======================  =========================================

Each generation has a module of its own: ``_2026_04_27`` declares the first in full, and
each later one is written as its changes to the one before (operations removed, added or
redeclared, and per operation the fields dropped, changed or added; see
``dancity_sdk._declarations.derive``). The package is plain data, with no client, resource
or network import, so both the client (to build requests) and the sandbox (to route and
check them) read the same declarations:

>>> from dancity_sdk._spec import GENERATIONS
>>> op = GENERATIONS["2026-05-09"].operations["electricity.buy"]
>>> op.method, op.path, op.idempotent, op.throttles
('POST', '/electricity/buy', False, ('key', 'purchase'))
>>> [f.name for f in op.body_fields if f.required]
['meterNumber', 'meterType', 'amount', 'customerName', 'address']
>>> GENERATIONS["2026-05-31"].prefix + GENERATIONS["2026-05-31"].operations["wallet.get"].path
'/api/v1/wallet/{id}'
>>> generations_with("validate")
('2026-05-09',)

Lookup API:

* ``GENERATIONS[api_version]`` → ``Generation`` (``prefix``, ``commit``, ``operations``);
* ``generation.operations[name]`` → ``Operation`` (``method``, ``path`` below the
  prefix with OpenAPI ``{placeholders}``, ``family``, ``idempotent``, ``throttles``,
  ``body_fields``, ``query_fields``, ``path_params``, ``required``);
* ``generations_with`` — which generations have an operation;
* ``APP_OPERATIONS`` — the App family (user JWT, under ``APP_PREFIX``), the same in
  every generation.

Fields carry the wire ``name`` the description declares, whether it is ``required``, its
JSON ``kind`` and the SDK method's argument (``arg``) that fills it, so one argument
(``biller``) can be ``billerName``, ``productName`` or ``billerCode`` depending on the
generation. Where a description and its own guides disagree, the description wins (it is
generated from the server's schemas); the README's contradictions table lists each case.

Throttles: ``"key"`` (120 requests/minute per key) on every VAS operation; ``"purchase"``
(30/minute) only on the purchases the rate-limits guide lists: airtime, data, electricity
and cable.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from dancity_sdk._declarations import (
    _DATES,
    _PAGE,
    _TRANSACTION_FILTERS,
    KEY_LIMIT,
    PURCHASE_LIMIT,
    THROTTLE_LIMITS,
    THROTTLE_WINDOW,
    Field,
    Generation,
    Operation,
)
from dancity_sdk._families import APP, APP_PREFIX, VAS
from dancity_sdk._spec import _2026_04_27, _2026_05_09, _2026_05_31

__all__ = [
    "API_VERSIONS",
    "APP",
    "APP_OPERATIONS",
    "APP_PREFIX",
    "DEFAULT_API_VERSION",
    "GENERATIONS",
    "KEY_LIMIT",
    "PURCHASE_LIMIT",
    "THROTTLE_LIMITS",
    "THROTTLE_WINDOW",
    "VAS",
    "Field",
    "Generation",
    "Operation",
    "generations_with",
]

#: Every generation by ``api_version``, oldest first.
GENERATIONS: Final[Mapping[str, Generation]] = MappingProxyType(
    {
        g.api_version: g
        for g in (_2026_04_27.GENERATION, _2026_05_09.GENERATION, _2026_05_31.GENERATION)
    }
)
API_VERSIONS: Final = tuple(GENERATIONS)
#: The default: the newest published description (README, "Choosing a generation").
DEFAULT_API_VERSION: Final = API_VERSIONS[-1]


def _app_read(name: str, path: str, *query: Field, placeholder: str | None = None) -> Operation:
    # App reads: the user's JWT, no channel, no client-side throttle; one path placeholder.
    params = ((placeholder, placeholder),) if placeholder else ()
    return Operation(name, "GET", path, APP, throttles=(), query_fields=query, path_params=params)


#: The App family (user JWT, no ``channel``), the same in every generation.
APP_OPERATIONS: Final[Mapping[str, Operation]] = MappingProxyType(
    {
        op.name: op
        for op in (
            _app_read("wallet.get", "/wallet/{wallet_id}", placeholder="wallet_id"),
            _app_read(
                "transactions.list",
                "/transactions",
                *_PAGE,
                *_DATES,
                *_TRANSACTION_FILTERS,
            ),
            _app_read(
                "transactions.get",
                "/transactions/{transaction_id}",
                placeholder="transaction_id",
            ),
        )
    }
)


def generations_with(name: str) -> tuple[str, ...]:
    """The ``api_version`` of every generation that declares operation ``name``, oldest first."""
    return tuple(version for version, g in GENERATIONS.items() if name in g.operations)
