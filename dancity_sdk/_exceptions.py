"""Dancity's classes of the shared error tree, made as ``dptcay_sdk._exceptions`` makes its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from shared_auth._errortable import ErrorTable

#: Shared class -> Dancity's subclass of it (``dancity_sdk.NotFoundError`` subclasses
#: ``shared_auth.NotFoundError`` and ``dancity_sdk.APIStatusError``), raised by its pipeline.
ERRORS: Final = ErrorTable("dancity_sdk", label="Dancity")

if TYPE_CHECKING:  # the shared classes, whose attributes these have
    from shared_auth._errors import *  # noqa: F403
else:
    globals().update(ERRORS.classes)
