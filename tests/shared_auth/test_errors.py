"""The one error tree: classes by status, masked messages and attributes."""

from __future__ import annotations

import pytest

from shared_auth import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidInputError,
    InvalidInputTypeError,
    MissingCredentialError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimit,
    RateLimitError,
    ResponseValidationError,
    SDKError,
    UnprocessableEntityError,
)
from shared_auth._errors import status_error_class
from tests.shared_auth._support import DANCITY_KEY, DPTCAY_REVOKED_KEY


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
        (402, APIStatusError),
        (418, APIStatusError),
    ],
)
def test_status_error_class(status: int, cls: type[APIStatusError]) -> None:
    assert status_error_class(status) is cls


def test_the_tree() -> None:
    assert issubclass(ConfigurationError, SDKError)
    assert issubclass(ConfigurationError, ValueError)
    assert issubclass(MissingCredentialError, ConfigurationError)
    assert issubclass(InvalidInputError, ValueError)
    assert issubclass(InvalidInputTypeError, InvalidInputError)
    assert issubclass(InvalidInputTypeError, TypeError)
    assert issubclass(APITimeoutError, APIConnectionError)
    for cls in (APIConnectionError, APIStatusError, ResponseValidationError, OutcomeUnknownError):
        assert issubclass(cls, APIError)
    assert issubclass(APIError, SDKError)


def test_messages_and_attributes_are_masked() -> None:
    error = APIStatusError(
        f"401: bad key {DANCITY_KEY}",
        status_code=401,
        api_message=f"bad key {DANCITY_KEY}",
        messages=(f"key {DANCITY_KEY} revoked", "ip not allowlisted"),
        body_excerpt=f'{{"key": "{DANCITY_KEY}"}}' + "x" * 300,
        path=f"/keys/{DPTCAY_REVOKED_KEY}",
        method="DELETE",
    )
    texts = [str(error), error.message, repr(error), error.api_message or "", error.path or ""]
    texts += [*error.messages, error.body_excerpt]
    assert all(DANCITY_KEY not in t and DPTCAY_REVOKED_KEY not in t for t in texts)
    assert error.messages[1] == "ip not allowlisted"
    assert len(error.body_excerpt) <= 200
    single = APIStatusError("x", status_code=400, api_message="only one")
    assert single.messages == ("only one",)
    assert APIStatusError("x", status_code=400).messages == ()


def test_an_error_without_args_has_an_empty_message() -> None:
    error = SDKError("x")
    error.args = ()
    assert error.message == ""


def test_rate_limit_error_retry_after() -> None:
    assert RateLimitError("x", status_code=429).retry_after is None
    with_header = RateLimitError("x", status_code=429, rate_limit=RateLimit(retry_after=5.0))
    assert with_header.retry_after == 5.0
    assert RateLimitError("x", status_code=429, rate_limit=RateLimit()).retry_after is None


def test_response_validation_error_lists_its_problems_masked() -> None:
    error = ResponseValidationError(
        "bad payment", errors=("$.amount: not a decimal", f"$.key: {DANCITY_KEY}")
    )
    assert str(error).startswith("bad payment: $.amount: not a decimal; $.key: dcy_live_…")
    assert DANCITY_KEY not in str(error)
    assert error.errors[0] == "$.amount: not a decimal"
    assert DANCITY_KEY not in error.errors[1]
    assert str(ResponseValidationError("plain")) == "plain"


def test_invalid_input_names_its_field() -> None:
    error = InvalidInputTypeError("amount must be a Decimal", field="amount")
    assert error.field == "amount"
    assert InvalidInputError("x").field is None


def test_outcome_unknown_carries_the_reference() -> None:
    error = OutcomeUnknownError("x", reference="order-9", method="POST", path="/p")
    assert (error.reference, error.method, error.path) == ("order-9", "POST", "/p")
