"""dptcay's error classes, derived from the shared tree (see `shared_auth._errortable`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from shared_auth._errortable import ErrorTable

#: Shared class -> dptcay's subclass of it (``dptcay_sdk.NotFoundError`` subclasses
#: ``shared_auth.NotFoundError`` and ``dptcay_sdk.APIStatusError``), raised by its pipeline.
ERRORS: Final = ErrorTable("dptcay_sdk", label="dptcay")

if TYPE_CHECKING:  # the shared classes, whose attributes these have
    from shared_auth._errors import *  # noqa: F403
else:
    globals().update(ERRORS.classes)
