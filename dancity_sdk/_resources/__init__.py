"""The resources behind ``client.vas.*`` and ``client.app.*``.

Each resource holds the client's call function and the selected generation; the
operation declarations (`dancity_sdk._spec`) decide paths and wire names, so no
resource branches on the generation itself.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from dancity_sdk import _validation as check
from dancity_sdk._models import Wallet
from dancity_sdk._resources._base import Resource
from dancity_sdk._resources.cards import CardsResource
from dancity_sdk._resources.catalog import CatalogResource, WalletResource
from dancity_sdk._resources.esim import EsimResource
from dancity_sdk._resources.transactions import (
    APP_GENERATION,
    AppTransactionsResource,
    TransactionsResource,
)
from dancity_sdk._resources.vas import (
    AirtimeResource,
    BettingResource,
    CableResource,
    DataResource,
    EducationResource,
    ElectricityResource,
    InternetResource,
    ValidationResource,
)
from shared_auth._decode import One

if TYPE_CHECKING:
    from dancity_sdk._spec import Generation
    from shared_auth._routes import CallFunction

__all__ = ["AppNamespace", "VasNamespace"]


def _bind(namespace: object, call: CallFunction, generation: Generation) -> None:
    """Give ``namespace`` one resource per annotated attribute, each of the annotated class."""
    module = sys.modules[__name__]
    for name, annotation in type(namespace).__annotations__.items():
        setattr(namespace, name, getattr(module, annotation)(call, generation))


class VasNamespace:
    """``client.vas``: the merchant (VAS) API — merchant key plus ``channel``."""

    # One resource per attribute, each of the class it is annotated with (see _bind).
    airtime: AirtimeResource
    betting: BettingResource
    cable: CableResource
    cards: CardsResource
    catalog: CatalogResource
    data: DataResource
    education: EducationResource
    electricity: ElectricityResource
    esim: EsimResource
    internet: InternetResource
    transactions: TransactionsResource
    validation: ValidationResource
    wallet: WalletResource

    def __init__(self, call: CallFunction, generation: Generation) -> None:
        _bind(self, call, generation)


class AppWalletResource(Resource):
    """``client.app.wallet``: the signed-in user's wallet (JWT)."""

    __slots__ = ()
    _namespace = "client.app"

    async def get(self, wallet_id: str, /) -> Wallet:
        """``GET /api/wallet/{id}``: only the signed-in user's wallet is returned."""
        op = self._operation("wallet.get")
        ident = check.text(wallet_id, field="wallet_id")
        return await self._send(op, One(Wallet, at=("data",)), wallet_id=ident)


class AppNamespace:
    """``client.app``: the first-party App API — user JWT, never a ``channel`` header."""

    transactions: AppTransactionsResource
    wallet: AppWalletResource

    def __init__(self, call: CallFunction) -> None:
        _bind(self, call, APP_GENERATION)
