"""The public surface of every package: ``__all__``, ``py.typed`` and the one error tree.

Per-package order checks live next to each package's tests (``tests/dptcay/test_client.py``,
``tests/dancity/test_families.py``, ``tests/dancity/test_sandbox.py``); this module checks
what every public module must satisfy, for all of them at once.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest

import dancity_sdk
import dptcay_sdk
import shared_auth
from dancity_sdk import webhooks

PUBLIC_MODULES = (
    "dptcay_sdk",
    "dancity_sdk",
    "shared_auth",
    "dptcay_sdk.testing",
    "dancity_sdk.testing",
    "dancity_sdk.webhooks",
    "shared_auth.testing",
    "shared_auth.fleet",
)
PACKAGES = ("dptcay_sdk", "dancity_sdk", "shared_auth")
#: Public attributes a package root may have besides ``__all__``: its public submodules.
PUBLIC_SUBMODULES = {
    "dptcay_sdk": {"testing", "pytest_plugin"},
    "dancity_sdk": {"testing", "webhooks", "pytest_plugin"},
    "shared_auth": {"fleet", "testing", "pytest_plugin"},
}


def _is_real_name(attribute: str) -> bool:
    # pytest rewrites the asserts of an installed plugin's whole distribution and leaves
    # "@py_builtins"/"@pytest_ar" in each rewritten module: not names of ours.
    return not attribute.startswith(("_", "@"))


ERROR_NAMES = sorted(
    name
    for name in shared_auth.__all__
    if isinstance(getattr(shared_auth, name), type)
    and issubclass(getattr(shared_auth, name), shared_auth.SDKError)
)


def _is_private_module(value: object) -> bool:
    return isinstance(value, types.ModuleType) and any(
        part.startswith("_") for part in value.__name__.split(".")
    )


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_exists_is_unique_and_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert isinstance(exported, list | tuple)
    assert exported, f"{name}.__all__ is empty"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    for public in exported:
        assert isinstance(public, str)
        assert hasattr(module, public), f"{name}.{public} is in __all__ but does not exist"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_no_private_name_leaks(name: str) -> None:
    module = importlib.import_module(name)
    for public in module.__all__:
        assert not public.startswith("_"), f"{name}.__all__ exports the private name {public}"
        value = getattr(module, public)
        assert not isinstance(value, types.ModuleType), f"{name}.{public} is a module"
    # Private modules are reachable as attributes (Python binds submodules), but never
    # under a public name.
    for attribute in dir(module):
        if _is_real_name(attribute):
            assert not _is_private_module(getattr(module, attribute)), f"{name}.{attribute}"


@pytest.mark.parametrize("name", PACKAGES)
def test_package_roots_export_everything_public(name: str) -> None:
    module = importlib.import_module(name)
    extra = {
        attribute
        for attribute in dir(module)
        if _is_real_name(attribute) and attribute not in module.__all__
    }
    allowed = PUBLIC_SUBMODULES.get(name, set()) | {"VERSION"}  # dptcay_sdk.VERSION
    assert extra <= allowed, f"{name} has public names missing from __all__: {extra - allowed}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_exported_functions_and_classes_are_documented(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__
    for public in module.__all__:
        value = getattr(module, public)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{public} has no docstring"


@pytest.mark.parametrize("name", PACKAGES)
def test_every_package_ships_py_typed(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    marker = Path(module.__file__).parent / "py.typed"
    assert marker.is_file(), f"{name} does not ship py.typed"


@pytest.mark.parametrize("sdk", [dptcay_sdk, dancity_sdk], ids=lambda m: m.__name__)
@pytest.mark.parametrize("error", ERROR_NAMES)
def test_each_sdk_has_its_own_class_of_every_shared_error(
    sdk: types.ModuleType, error: str
) -> None:
    assert error in sdk.__all__, f"{sdk.__name__} does not export {error}"
    shared, own = getattr(shared_auth, error), getattr(sdk, error)
    # A real class of the SDK's, first based on the shared one: ``except`` takes either name.
    assert own is not shared
    assert own.__bases__[0] is shared
    assert (own.__module__, own.__qualname__) == (sdk.__name__, error)
    # ...and mirroring the tree in the SDK: ``except dptcay_sdk.APIStatusError`` catches
    # ``dptcay_sdk.NotFoundError``.
    for parent in shared.__bases__:
        if parent.__name__ in ERROR_NAMES:
            assert issubclass(own, getattr(sdk, parent.__name__))


@pytest.mark.parametrize(
    "error",
    [
        dptcay_sdk.KeyRotationError,
        dancity_sdk.ReconcileTimeoutError,
        webhooks.WebhookSignatureError,
        webhooks.WebhookPayloadError,
    ],
)
def test_sdk_specific_errors_hang_off_the_shared_tree(error: type[Exception]) -> None:
    assert issubclass(error, shared_auth.SDKError)


def test_shared_values_are_the_same_objects_in_both_sdks() -> None:
    for name in ("RateLimit", "ResultList", "RetryPolicy", "Secret"):
        assert getattr(dptcay_sdk, name) is getattr(shared_auth, name)
        assert getattr(dancity_sdk, name) is getattr(shared_auth, name)


def test_the_shared_name_catches_both_sdks_errors_and_each_sdks_name_its_own() -> None:
    with pytest.raises(shared_auth.NotFoundError):
        raise dancity_sdk.NotFoundError("gone", status_code=404)
    with pytest.raises(shared_auth.APIStatusError):
        raise dptcay_sdk.NotFoundError("gone", status_code=404)
    with pytest.raises(dancity_sdk.APIStatusError):
        raise dancity_sdk.NotFoundError("gone", status_code=404)
    assert not issubclass(dancity_sdk.NotFoundError, dptcay_sdk.NotFoundError)


def test_importing_an_sdk_does_not_import_the_other_or_the_sandbox() -> None:
    code = (
        "import sys, dptcay_sdk; assert 'dancity_sdk' not in sys.modules; "
        "import dancity_sdk; "
        "assert not any(m.endswith('.testing') for m in sys.modules if m.startswith(('dptcay_sdk', "
        "'dancity_sdk'))); "
        "assert 'starlette' not in sys.modules and 'uvicorn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - fixed arguments


def test_importing_the_sdks_defers_what_only_a_client_or_a_response_needs() -> None:
    # P3 (import time): cattrs, anyio, the models, resources and route tables load with the
    # first client or response, not with ``import``; the lazy names still resolve.
    deferred = (
        "cattrs",
        "anyio",
        "shared_auth._models",
        "dptcay_sdk._models",
        "dptcay_sdk._resources",
        "dancity_sdk._models",
        "dancity_sdk._resources",
        "dancity_sdk._routes",
    )
    code = (
        "import sys, dptcay_sdk, dancity_sdk; "
        f"loaded = [m for m in {deferred!r} if m in sys.modules]; "
        "assert not loaded, loaded; "
        "assert dptcay_sdk.Payment.__module__ == 'dptcay_sdk._models'; "
        "assert dancity_sdk.ResultList is dptcay_sdk.ResultList"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - fixed arguments
