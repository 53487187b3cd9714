"""Reading the JSON the SDKs hand over (typed [`JSONValue`][shared_auth.JSONValue]) in tests."""

from __future__ import annotations

from collections.abc import Mapping

from shared_auth import JSONValue

__all__ = ["at", "text_at"]


def at(value: JSONValue, *keys: str) -> JSONValue:
    """The value under ``keys``, each a member of a JSON object (asserted to be one)."""
    for key in keys:
        assert isinstance(value, Mapping), f"expected a JSON object at {key!r}, got {value!r}"
        value = value[key]
    return value


def text_at(value: JSONValue, *keys: str) -> str:
    """The string under ``keys`` (asserted to be one)."""
    found = at(value, *keys)
    assert isinstance(found, str), f"expected a string at {keys!r}, got {found!r}"
    return found
