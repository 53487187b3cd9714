"""The dptcay declarations: each one has its typed method, route and sandbox behaviour.

The declarations themselves are checked against the docs' curl examples in
``test_wire_parity.py``; here, that the client and the sandbox read them (and nothing else).
"""

from __future__ import annotations

import doctest
import inspect
import typing

import pytest
from starlette.routing import Route

from dptcay_sdk import AsyncDptcayClient, _spec
from dptcay_sdk._routes import ROUTES
from dptcay_sdk.testing import RATE_PLANS, DptcaySandbox

KEY = "dp_test_sk_" + "a" * 24


def test_the_module_examples_hold() -> None:
    result = doctest.testmod(_spec)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("name", sorted(_spec.OPERATIONS))
def test_every_operation_has_its_typed_method_and_route(name: str) -> None:
    resource, method = name.split(".")
    client = AsyncDptcayClient(KEY)
    assert inspect.iscoroutinefunction(getattr(getattr(client, resource), method))
    op = _spec.OPERATIONS[name]
    route = ROUTES[name]
    assert (route.method, route.path, route.scope) == (op.method, op.path, op.scope)


def test_the_sandbox_serves_exactly_the_declared_paths() -> None:
    served = {
        (method, route.path)
        for route in DptcaySandbox().app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    declared = {
        (op.method, "/v1" + op.path)
        for op in (*_spec.OPERATIONS.values(), *_spec.SANDBOX_OPERATIONS.values())
    }
    assert served == declared
    assert ("DELETE", "/v1/keys/{key}") in served


def test_revoking_is_the_only_declared_idempotent_write() -> None:
    writes = {name for name, op in _spec.OPERATIONS.items() if op.method != "GET"}
    idempotent = {name for name in writes if _spec.OPERATIONS[name].idempotent}
    assert idempotent == {"keys.revoke"}
    assert ROUTES["payments.create"].outcome_advice is not None


def test_rate_plans_are_one_table_for_client_types_and_sandbox() -> None:
    assert typing.get_args(_spec.RatePlanName) == tuple(_spec.RATE_PLANS)
    assert {name: (p.limit, p.window, p.burst) for name, p in RATE_PLANS.items()} == {
        "starter": (100, 60.0, 150),
        "growth": (500, 60.0, 700),
        "scale": (2000, 60.0, 3000),
    }


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("dp_live_sk_" + "A1" * 8, True),
        ("dp_test_sk_" + "b" * 16, True),
        ("dp_test_sk_" + "b" * 15, False),
        ("dp_test_pk_" + "b" * 16, False),
        ("dcy_live_" + "b" * 16, False),
    ],
)
def test_key_format(key: str, valid: bool) -> None:
    assert (_spec.KEY_PATTERN.fullmatch(key) is not None) is valid
