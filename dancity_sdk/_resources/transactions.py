"""Transactions of both families: list a page, walk every page lazily, requery, reconcile."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from dancity_sdk import _validation as check
from dancity_sdk._errors import ReconcileTimeoutError
from dancity_sdk._models import Transaction, TransactionPage, TransactionStatus
from dancity_sdk._resources._base import TRANSACTION, Resource
from dancity_sdk._spec import APP_OPERATIONS, Generation
from shared_auth import NotFoundError, One

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from dancity_sdk._spec import Operation
    from shared_auth import CallFunction

__all__ = ["APP_GENERATION", "AppTransactionsResource", "TransactionsResource"]

_PAGE: Final = One(TransactionPage, at=("data",))
#: The descriptions' default page size, to tell a last page when no pagination is sent.
_DEFAULT_LIMIT: Final = 10


def _filters(
    *,
    page: int | None,
    limit: int | None,
    start_date: datetime | str | None,
    end_date: datetime | str | None,
    service: str | None = None,
    status: TransactionStatus | str | None = None,
    tranx_type: str | None = None,
    query: str | None = None,
    use_filter: bool | None = None,
    is_bulk: bool | None = None,
) -> dict[str, Any]:
    return {
        "page": check.optional_positive_int(page, field="page"),
        "limit": check.optional_positive_int(limit, field="limit"),
        "start_date": check.optional_timestamp(start_date, field="start_date"),
        "end_date": check.optional_timestamp(end_date, field="end_date"),
        "service": check.optional_text(service, field="service"),
        "status": check.optional_text(status, field="status"),
        "tranx_type": check.optional_text(tranx_type, field="tranx_type"),
        "query": check.optional_text(query, field="query"),
        "use_filter": check.optional_bool(use_filter, field="use_filter"),
        "is_bulk": check.optional_bool(is_bulk, field="is_bulk"),
    }


def _is_last(page: TransactionPage, number: int, limit: int | None) -> bool:
    """Whether no page follows ``page`` (by its pagination, else by a short page)."""
    if not page.transactions:
        return True
    info = page.pagination
    if info is not None and info.has_next is not None:
        return not info.has_next
    if info is not None and info.total_pages is not None:
        return number >= info.total_pages
    return len(page.transactions) < (limit or _DEFAULT_LIMIT)


class _Pages(Resource):
    """Listing and requerying, shared by the VAS and App transaction resources."""

    __slots__ = ()

    def _list_operation(self) -> Operation:
        return self._operation("transactions.list")

    def _get_operation(self) -> Operation:
        return self._operation("transactions.get")

    async def _page(self, filters: dict[str, Any]) -> TransactionPage:
        return await self._send(self._list_operation(), _PAGE, **filters)

    async def _walk(self, filters: dict[str, Any]) -> AsyncIterator[Transaction]:
        # Each page is requested when the previous one is used up; a filter the generation
        # lacks is refused by the first request's build, before anything is sent.
        number, limit = 1, filters.get("limit")
        while True:
            page = await self._page({**filters, "page": number})
            for tx in page.transactions:
                yield tx
            if _is_last(page, number, limit):
                return
            number += 1

    async def get(self, transaction_id: str, /) -> Transaction:
        """Requery one transaction by ``_id``, ``tranxId`` or ``customerRef`` (latest match).

        Raises:
            NotFoundError: no transaction matches.
        """
        ident = check.text(transaction_id, field="transaction_id")
        return await self._send(self._get_operation(), TRANSACTION, transaction_id=ident)


class TransactionsResource(_Pages):
    """``client.vas.transactions``: list, walk, requery and reconcile.

    Filters are the query parameters the selected generation declares (2026-04-27 also
    takes ``service``, ``status``, ``tranx_type``, ``query``, ``use_filter``,
    ``is_bulk``); one it lacks is refused before I/O.
    """

    __slots__ = ()

    async def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        service: str | None = None,
        status: TransactionStatus | str | None = None,
        tranx_type: str | None = None,
        query: str | None = None,
        use_filter: bool | None = None,
        is_bulk: bool | None = None,
    ) -> TransactionPage:
        """One page of transactions, newest first (``limit`` at most 100 per the docs)."""
        return await self._page(
            _filters(
                page=page,
                limit=limit,
                start_date=start_date,
                end_date=end_date,
                service=service,
                status=status,
                tranx_type=tranx_type,
                query=query,
                use_filter=use_filter,
                is_bulk=is_bulk,
            )
        )

    def iterate(
        self,
        *,
        limit: int | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        service: str | None = None,
        status: TransactionStatus | str | None = None,
        tranx_type: str | None = None,
        query: str | None = None,
        use_filter: bool | None = None,
        is_bulk: bool | None = None,
    ) -> AsyncIterator[Transaction]:
        """Every matching transaction, page after page, each page fetched when reached.

        Use it with ``async for``::

            async for tx in client.vas.transactions.iterate(limit=100):
                ...

        Stops after the page whose ``pagination.hasNext`` is false (or, without
        pagination, after a short or empty page).
        """
        return self._walk(
            _filters(
                page=None,
                limit=limit,
                start_date=start_date,
                end_date=end_date,
                service=service,
                status=status,
                tranx_type=tranx_type,
                query=query,
                use_filter=use_filter,
                is_bulk=is_bulk,
            )
        )

    async def reconcile(
        self,
        customer_ref: str,
        /,
        *,
        interval: float = 15.0,
        timeout: float = 300.0,  # noqa: ASYNC109 - a polling budget, not a cancel scope
    ) -> Transaction:
        """Requery until the transaction leaves ``PENDING``/``PROCESSING``, and return it.

        Use it after :class:`OutcomeUnknownError` (``error.reference``) or a pending buy,
        instead of buying again. The docs advise polling every 10 to 30 seconds.

        Raises:
            ReconcileTimeoutError: still open (or never found) after ``timeout`` seconds;
                its ``transaction`` is the latest record seen, ``None`` if never found.
        """
        import anyio  # noqa: PLC0415 - loaded with the client already; kept off import time

        ref = check.text(customer_ref, field="customer_ref")
        interval = check.seconds(interval, field="interval")
        timeout = check.seconds(timeout, field="timeout", positive=False)
        deadline = anyio.current_time() + timeout
        latest: Transaction | None = None
        while True:
            try:
                latest = await self.get(ref)
            except NotFoundError:
                latest = None  # not recorded (yet): the purchase may never have arrived
            if latest is not None and not latest.pending:
                return latest
            if anyio.current_time() + interval > deadline:
                raise _reconcile_timeout(ref, latest, timeout)
            await anyio.sleep(interval)


def _reconcile_timeout(
    ref: str, latest: Transaction | None, timeout: float
) -> ReconcileTimeoutError:
    if latest is None:
        state = "no transaction has this reference (the purchase most likely never reached Dancity)"
    else:
        state = f"it is still {latest.status}"
    msg = f"reconciling {ref!r} gave up after {timeout}s: {state}"
    return ReconcileTimeoutError(msg, reference=ref, transaction=latest)


#: The App family is the same in every generation: a generation holding only its routes.
APP_GENERATION: Final = Generation("app", "-", "/api", APP_OPERATIONS)


class AppTransactionsResource(_Pages):
    """``client.app.transactions``: the signed-in user's transactions (JWT)."""

    __slots__ = ()

    def __init__(self, call: CallFunction) -> None:
        super().__init__(call, APP_GENERATION)

    async def list(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        service: str | None = None,
        status: TransactionStatus | str | None = None,
        tranx_type: str | None = None,
        query: str | None = None,
    ) -> TransactionPage:
        """One page of the user's transactions (``GET /api/transactions``)."""
        return await self._page(
            _filters(
                page=page,
                limit=limit,
                start_date=start_date,
                end_date=end_date,
                service=service,
                status=status,
                tranx_type=tranx_type,
                query=query,
            )
        )

    def iterate(
        self,
        *,
        limit: int | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        service: str | None = None,
        status: TransactionStatus | str | None = None,
        tranx_type: str | None = None,
        query: str | None = None,
    ) -> AsyncIterator[Transaction]:
        """Every matching transaction of the user, each page fetched when reached."""
        return self._walk(
            _filters(
                page=None,
                limit=limit,
                start_date=start_date,
                end_date=end_date,
                service=service,
                status=status,
                tranx_type=tranx_type,
                query=query,
            )
        )
