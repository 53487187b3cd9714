"""Typed uses of the public API, checked by ``mypy --strict`` and run by pytest."""
