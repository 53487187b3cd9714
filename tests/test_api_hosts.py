"""A client refuses another API's host even when that API's SDK was never imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dancity_sdk import AsyncDancityClient

pytestmark = pytest.mark.loop_agnostic

_ONE_SDK = """
import json, sys
import dptcay_sdk
out = {"dancity imported before": "dancity_sdk" in sys.modules}
try:
    dptcay_sdk.AsyncDptcayClient("dp_test_sk_" + "a" * 24, base_url="https://api.dancity.app/v1")
except dptcay_sdk.ConfigurationError as exc:
    out["refused"] = str(exc)
print(json.dumps(out))
"""


def test_a_dptcay_client_refuses_a_dancity_host_with_only_dptcay_imported() -> None:
    run = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", _ONE_SDK], capture_output=True, text=True, check=True
    )
    out = json.loads(run.stdout)
    assert out["dancity imported before"] is False
    assert out["refused"].startswith(
        "base_url 'api.dancity.app' is a Dancity host, but this is the dptcay client"
    )


def test_takes_reads_the_generation_declarations() -> None:
    oldest = AsyncDancityClient(api_key="dcy_live_" + "0" * 40, api_version="2026-04-27")
    newest = AsyncDancityClient(api_key="dcy_live_" + "0" * 40, api_version="2026-05-31")
    assert oldest.takes("airtime.buy", "pin") is True
    assert oldest.takes("internet.buy", "pin") is True
    assert newest.takes("airtime.buy", "pin") is False
    assert newest.takes("airtime.buy", "phone") is True
    assert newest.takes("no.such.operation", "pin") is False
