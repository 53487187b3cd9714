"""Secret's redacted forms, equality and hashing; masking of credentials in text and logs."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_auth import Secret, redact
from shared_auth._redact import LOGGER_NAMES, SecretsFilter, install_log_redaction
from shared_auth._secret import reveal
from tests.shared_auth._support import (
    DANCITY_KEY,
    DPTCAY_LIVE_KEY,
    DPTCAY_REVOKED_KEY,
    DPTCAY_TEST_KEY,
    make_jwt,
)

JWT = make_jwt(exp=4_102_444_800)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (DPTCAY_LIVE_KEY, "dp_live_sk_…" + DPTCAY_LIVE_KEY[-4:]),
        (DPTCAY_TEST_KEY, "dp_test_sk_…" + DPTCAY_TEST_KEY[-4:]),
        (DANCITY_KEY, "dcy_live_…4567"),
        (JWT, "eyJ…" + JWT[-4:]),
        ("1234", "****"),  # a PIN: fully masked
        ("", "****"),
        ("whsec_short", "****"),
        ("dcy_live_abc", "dcy_live_…"),  # short, known prefix: no tail
        ("0123456789abcdef", "…cdef"),  # 16 characters: the tail is shown
        ("0123456789abcde", "****"),  # 15: not even the tail
    ],
)
def test_redacted_forms(value: str, shown: str) -> None:
    secret = Secret(value)
    assert secret.redacted == shown
    assert str(secret) == shown
    assert f"{secret}" == shown
    assert repr(secret) == f"Secret('{shown}')"
    if len(value) >= 4:
        assert value not in repr(secret)
    assert secret.get_secret_value() == value
    assert len(secret) == len(value)


def test_at_most_four_characters_beyond_the_prefix_are_shown() -> None:
    for value in (DPTCAY_LIVE_KEY, DANCITY_KEY, JWT, "x" * 100):
        prefix = next((p for p in ("dp_live_sk_", "dcy_live_", "eyJ") if value.startswith(p)), "")
        shown = Secret(value).redacted.removeprefix(prefix).removeprefix("…")
        assert len(shown) <= 4


def test_equality_and_hashing() -> None:
    a, b, c = Secret(DANCITY_KEY), Secret(DANCITY_KEY), Secret(DPTCAY_LIVE_KEY)
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert a != DANCITY_KEY  # a Secret never equals a plain str
    assert len({a, b, c}) == 2
    assert {a: 1}[b] == 1


def test_a_secret_must_be_a_str() -> None:
    with pytest.raises(TypeError, match="a secret must be a str, not bytes"):
        Secret(b"bytes")  # type: ignore[arg-type]


def test_reveal() -> None:
    assert reveal(Secret("abc")) == "abc"
    assert reveal("abc") == "abc"


# --- redact ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret", [DPTCAY_LIVE_KEY, DPTCAY_TEST_KEY, DPTCAY_REVOKED_KEY, DANCITY_KEY, JWT]
)
@pytest.mark.parametrize(
    "template",
    [
        "{}",
        "DELETE https://api.dptcay.test/v1/keys/{} 200",
        "Authorization: Bearer {}",
        '{{"key": "{}", "ok": false}}',
        "invalid key '{}'.",
    ],
)
def test_redact_masks_credentials_in_text(secret: str, template: str) -> None:
    text = template.format(secret)
    masked = redact(text)
    assert secret not in masked
    assert Secret(secret).redacted in masked


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer opaque-token-123",
        "authorization: bearer opaque-token-123",
        "AUTHORIZATION: BEARER opaque-token-123",
        "Authorization: BeArEr opaque-token-123",
    ],
)
def test_redact_masks_any_bearer_value_in_any_case(text: str) -> None:
    assert "opaque-token-123" not in redact(text)
    assert redact(text).endswith("****")


def test_redact_masks_malformed_keys_too() -> None:
    wrong_length = "dcy_live_" + "ab" * 30
    assert wrong_length not in redact(f"key={wrong_length}")


def test_text_without_credentials_is_returned_unchanged() -> None:
    text = "GET /v1/payments/pay_123 -> 200 (attempt 1)"
    assert redact(text) is text


@given(
    body=st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122), min_size=16),
    prefix=st.sampled_from(["dp_live_sk_", "dp_test_sk_", "dcy_live_"]),
    before=st.text(max_size=20),
    after=st.sampled_from(["", " ", "/", '"', "?x=1", "\n"]),
)
def test_redact_never_lets_a_key_shaped_value_through(
    body: str, prefix: str, before: str, after: str
) -> None:
    alnum = "".join(ch for ch in body if ch.isascii() and ch.isalnum())
    if len(alnum) < 16:
        return
    key = prefix + alnum
    assert key not in redact(f"{before}{key}{after}")


# --- the logging filter -----------------------------------------------------------------------


def test_the_filter_masks_the_final_message_and_drops_args() -> None:
    args = ("DELETE", f"https://api.test/keys/{DPTCAY_REVOKED_KEY}")
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", args, None
    )
    kept = SecretsFilter().filter(record)
    assert kept is True
    assert DPTCAY_REVOKED_KEY not in record.getMessage()
    assert not record.args
    assert record.getMessage() == (
        f"HTTP Request: DELETE https://api.test/keys/{Secret(DPTCAY_REVOKED_KEY).redacted}"
    )


def test_the_filter_leaves_clean_records_alone() -> None:
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "%s -> %d", ("GET", 200), None)
    assert SecretsFilter().filter(record) is True
    assert record.args == ("GET", 200)


def test_the_filter_passes_a_broken_record_through() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d %d", ("one",), None)
    assert SecretsFilter().filter(record) is True
    assert record.msg == "%d %d"


def test_install_log_redaction_is_idempotent_and_takes_extra_loggers() -> None:
    install_log_redaction()
    install_log_redaction("tests.shared_auth.extra")
    install_log_redaction("tests.shared_auth.extra")
    for name in (*LOGGER_NAMES, "tests.shared_auth.extra"):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, SecretsFilter) for f in filters) == 1
    assert {"httpx", "httpcore", "httpcore.http11", "httpcore.connection"} <= set(LOGGER_NAMES)


# --- formats come from the SDKs that register them ---------------------------------------


def _masked_in_a_fresh_process(imports: str) -> str:
    code = (
        f"{imports}\n"
        "from shared_auth import redact\n"
        "from shared_auth._redact import LOGGER_NAMES\n"
        "import logging\n"
        "from shared_auth._redact import install_log_redaction\n"
        "install_log_redaction()\n"
        f"print(redact('k={DPTCAY_LIVE_KEY} d={DANCITY_KEY} j={JWT}'))\n"
        "print(sorted(n for n in ('dptcay_sdk', 'dancity_sdk') if logging.getLogger(n).filters))\n"
    )
    return subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_the_floor_alone_masks_jwts_and_each_sdk_adds_its_key_formats_on_import() -> None:
    alone = _masked_in_a_fresh_process("")
    assert JWT not in alone
    assert DPTCAY_LIVE_KEY in alone  # the floor knows no SDK's key format...
    assert DANCITY_KEY in alone
    assert alone.endswith("[]\n")
    both = _masked_in_a_fresh_process("import dptcay_sdk, dancity_sdk")
    for secret in (JWT, DPTCAY_LIVE_KEY, DANCITY_KEY):  # ...each SDK registers its own
        assert secret not in both
    assert Secret(DPTCAY_LIVE_KEY).redacted in both
    assert both.endswith("['dancity_sdk', 'dptcay_sdk']\n")
