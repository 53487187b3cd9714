"""``2026-05-31`` (``c3ab95a``), written as its changes to ``2026-05-09``.

A new prefix (``/api/v1``); the unified validation split again into ``POST``
``/cable/validate`` (no plan) and ``/electricity/validate`` (``billerCode``); no virtual
cards and no education price check; the cable provider is resolved from the plan;
education sends ``exam_name`` (and ``examNumber``), betting ``account_id``; eSIM top-ups
name the ``iccid``, and the region kinds and types are enumerated.
"""

from __future__ import annotations

from typing import Final

from dancity_sdk._declarations import _check, _opt, _req, derive, edit
from dancity_sdk._spec import _2026_04_27, _2026_05_09

GENERATION: Final = derive(
    _2026_05_09.GENERATION,
    "2026-05-31",
    "c3ab95a",
    prefix="/api/v1",
    answers="views",
    removed=("validate", "education.validate_product", *_2026_04_27.CARD_OPERATIONS),
    added=(
        _check(
            "cable.validate",
            "POST",
            "/cable/validate",
            body=(_req("smartcardNumber", "smartcard_number"), _req("cablename", "cablename")),
        ),
        # Back as 2026-04-27 declared it, with the biller named by its code.
        edit("electricity.validate", change={"billerName": _req("billerCode", "biller")}).apply(
            _2026_04_27.GENERATION.operations["electricity.validate"]
        ),
    ),
    changed=(
        edit("services.list", drop=("name",)),
        edit("products.list", drop=("name",)),
        edit("data.buy", change={"wallettype": _opt("wallettype", "wallettype")}),
        edit("cable.buy", drop=("cablename",)),
        edit("electricity.buy", change={"productName": _req("billerCode", "biller")}),
        edit("betting.fund", change={"customerIdentifier": _req("account_id", "account_id")}),
        edit(
            "education.purchase",
            change={
                "quantity": _req("quantity", "quantity", "number", minimum=1, maximum=5),
                "product": (_req("exam_name", "product"), _opt("examNumber", "exam_number")),
            },
            add=(_opt("promocode", "promocode"),),
        ),
        edit("esim.regions", change={"type": _opt("type", "region_kind", "integer", enum=(1, 2))}),
        edit(
            "esim.packages",
            change={
                "regionType": _opt(
                    "regionType", "region_type", enum=("country", "multi-country", "global")
                )
            },
        ),
        edit("esim.purchase", drop=("wallettype",), add=(_opt("iccid", "iccid"),)),
    ),
)
