"""Dancity's error classes: a real subclass of each error of the shared tree.

``dancity_sdk.NotFoundError`` subclasses ``shared_auth.NotFoundError`` and
``dancity_sdk.APIStatusError``, so ``except`` works with either name and a traceback shows
``dancity_sdk.NotFoundError``. They are derived from the tree (see `shared_auth._errortable`),
not written out; the client hands ``ERRORS`` to its pipeline, which raises them directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from shared_auth._errortable import ErrorTable

#: Shared class -> Dancity's class.
ERRORS: Final = ErrorTable("dancity_sdk", label="Dancity")

if TYPE_CHECKING:  # type checkers see the shared classes, whose attributes these have
    from shared_auth._errors import *  # noqa: F403
else:
    globals().update(ERRORS.classes)
