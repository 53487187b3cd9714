"""The distribution's version: the one place it is written (pyproject reads it from here)."""

__version__ = "0.1.0"
VERSION = __version__


def distribution() -> str | None:
    """The name of the installed distribution that ships this package (for install hints).

    Read from the installed metadata, so the floor names no distribution itself: the one
    whose files hold this package, or, installed editable, whose source directory does.
    ``None`` when neither is found (a source checkout on ``PYTHONPATH``).
    """
    import json  # noqa: PLC0415 - error paths only
    from importlib import metadata  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    package = __name__.partition(".")[0]
    source = Path(__file__).resolve().parents[1]
    for dist in metadata.distributions():
        if any(file.parts[:1] == (package,) for file in dist.files or ()):
            return str(dist.metadata["Name"])
        direct = dist.read_text("direct_url.json")
        url = json.loads(direct).get("url", "") if direct else ""
        if url.startswith("file://") and Path(url.removeprefix("file://")).resolve() == source:
            return str(dist.metadata["Name"])
    return None


def install_hint(extra: str) -> str:
    """``pip install '<distribution>[extra]'``, the command that adds an optional extra."""
    name = distribution()
    if name is None:
        return f"install the SDK with its '{extra}' extra"
    return f"pip install '{name}[{extra}]'"
