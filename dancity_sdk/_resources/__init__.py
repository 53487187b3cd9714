"""The resources behind ``client.vas.*`` and ``client.app.*``.

Each resource holds the client's call function and the selected generation; the
operation declarations (`dancity_sdk._spec`) decide paths and wire names, so no
resource branches on the generation itself.
"""

from __future__ import annotations

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
from shared_auth import One

if TYPE_CHECKING:
    from dancity_sdk._spec import Generation
    from shared_auth import CallFunction

__all__ = ["AppNamespace", "VasNamespace"]


class VasNamespace:
    """``client.vas``: the merchant (VAS) API — merchant key plus ``channel``."""

    __slots__ = (
        "airtime",
        "betting",
        "cable",
        "cards",
        "catalog",
        "data",
        "education",
        "electricity",
        "esim",
        "internet",
        "transactions",
        "validation",
        "wallet",
    )

    def __init__(self, call: CallFunction, generation: Generation) -> None:
        self.wallet = WalletResource(call, generation)
        self.catalog = CatalogResource(call, generation)
        self.airtime = AirtimeResource(call, generation)
        self.data = DataResource(call, generation)
        self.cable = CableResource(call, generation)
        self.electricity = ElectricityResource(call, generation)
        self.validation = ValidationResource(call, generation)
        self.internet = InternetResource(call, generation)
        self.education = EducationResource(call, generation)
        self.betting = BettingResource(call, generation)
        self.esim = EsimResource(call, generation)
        self.cards = CardsResource(call, generation)
        self.transactions = TransactionsResource(call, generation)


class AppWalletResource(Resource):
    """``client.app.wallet``: the signed-in user's wallet (JWT)."""

    __slots__ = ()

    def __init__(self, call: CallFunction) -> None:
        super().__init__(call, APP_GENERATION)

    async def get(self, wallet_id: str, /) -> Wallet:
        """``GET /api/wallet/{id}``: only the signed-in user's wallet is returned."""
        op = self._operation("wallet.get")
        ident = check.text(wallet_id, field="wallet_id")
        return await self._send(op, One(Wallet, at=("data",)), wallet_id=ident)


class AppNamespace:
    """``client.app``: the first-party App API — user JWT, never a ``channel`` header."""

    __slots__ = ("transactions", "wallet")

    def __init__(self, call: CallFunction) -> None:
        self.wallet = AppWalletResource(call)
        self.transactions = AppTransactionsResource(call)
