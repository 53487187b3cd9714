"""``2026-05-09`` (``c9b303d``), written as its changes to ``2026-04-27``.

Same prefix (``/api/external/v1``); no ``pin`` (nor the beneficiary and promotion fields)
in any buy; one ``POST /validate`` replaces the cable and electricity validations;
electricity names the biller ``productName``; the by-id catalogue reads and most catalogue
and transaction filters are gone.
"""

from __future__ import annotations

from typing import Final

from dancity_sdk._declarations import _METER_TYPE, _check, _opt, _req, derive, edit
from dancity_sdk._spec import _2026_04_27

#: What every 2026-04-27 buy declared and this generation's buys no longer do.
_NO_PIN: Final = ("pin", "saveAsBeneficiary", "beneficiaryName", "promocode", "deviceKey")

GENERATION: Final = derive(
    _2026_04_27.GENERATION,
    "2026-05-09",
    "c9b303d",
    answers="documents",
    removed=("services.get", "products.get", "cable.validate", "electricity.validate"),
    added=(
        _check(
            "validate",
            "POST",
            "/validate",
            body=(
                _req("type", "type", enum=("cable", "electricity")),
                _opt("smartcardNumber", "smartcard_number"),
                _opt("cablename", "cablename"),
                _opt("meterNumber", "meter_number"),
                _opt("productName", "biller"),
                _opt("amount", "amount", "money"),
                _opt("meterType", "meter_type", enum=_METER_TYPE),
            ),
        ),
    ),
    changed=(
        edit("services.list", drop=("id", "disable", "displayonmenu", "isutility")),
        edit("products.list", drop=("productId",)),
        edit("plans.data", drop=("planId", "isHotDeal", "isbucketplan")),
        edit("plans.cable", drop=("cableplanId",)),
        edit(
            "transactions.list",
            drop=("service", "status", "tranxType", "query", "filter", "isBulk"),
        ),
        edit("airtime.buy", drop=_NO_PIN),
        edit("data.buy", drop=_NO_PIN),
        edit("cable.buy", drop=_NO_PIN),
        edit(
            "electricity.buy",
            drop=("billerCode", *_NO_PIN),
            change={"billerName": _opt("productName", "biller")},
        ),
        edit("internet.buy", drop=_NO_PIN),
        edit("betting.fund", drop=("pin", "saveAsBeneficiary", "beneficiaryName")),
        edit("education.purchase", drop=("promocode", "pin", "deviceKey")),
        edit("esim.purchase", drop=_NO_PIN),
    ),
)
