"""The optional purchase fields of api_version 2026-04-27, declared and checked once.

Every buy method takes them as ``**extras`` typed by one of these records; each value is
checked here before any I/O, and the selected generation's declaration then decides
whether the operation takes it (the later generations refuse most, naming 2026-04-27).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final, TypedDict

from dancity_sdk import _validation as check

if TYPE_CHECKING:
    from shared_auth import Secret

__all__ = ["BettingExtras", "EducationExtras", "PurchaseExtras", "checked_extras"]


class _Pin(TypedDict, total=False):
    pin: str | Secret | None


class _Promotion(TypedDict, total=False):
    promocode: str | None
    device_key: str | None


class _Beneficiary(TypedDict, total=False):
    save_as_beneficiary: bool | None
    beneficiary_name: str | None


class BettingExtras(_Pin, _Beneficiary, total=False):
    """The [PurchaseExtras][dancity_sdk.PurchaseExtras] ``betting.fund`` takes.

    ``pin``, ``save_as_beneficiary`` and ``beneficiary_name``.
    """


class EducationExtras(_Pin, _Promotion, total=False):
    """The [PurchaseExtras][dancity_sdk.PurchaseExtras] ``education.purchase`` takes.

    ``pin``, ``promocode`` and ``device_key``.
    """


class PurchaseExtras(BettingExtras, EducationExtras, total=False):
    """The optional fields of a purchase (``**extras`` of the buy methods): all five.

    Declared by api_version ``"2026-04-27"``; the later generations refuse them before
    any I/O (except ``promocode`` on ``education.purchase`` in ``"2026-05-31"``), saying
    which generation takes them.

    Attributes:
        pin: Transaction PIN, digits only (``str`` or `Secret`; never shown in errors):
            required by api_version ``"2026-04-27"``, refused by the later ones (their
            bodies have no PIN).
        promocode: A promotion code.
        device_key: The buyer's device key.
        save_as_beneficiary: Keep the number, card or account as a beneficiary.
        beneficiary_name: The beneficiary's name.
    """


#: Each extra's check, made before any I/O (in this order: the first bad one is reported).
_CHECKS: Final[Mapping[str, Callable[..., object]]] = {
    "pin": check.pin,
    "promocode": check.optional_text,
    "save_as_beneficiary": check.optional_bool,
    "beneficiary_name": check.optional_text,
    "device_key": check.optional_text,
}


def checked_extras(extras: Mapping[str, object]) -> dict[str, object]:
    """The ``extras`` a buy method received (their names already checked), each checked.

    Raises:
        InvalidInputError: a value of the wrong type or form.
    """
    return {
        name: checker(extras[name], field=name)
        for name, checker in _CHECKS.items()
        if name in extras
    }
