"""The floor's credential mechanisms work for an API it has never heard of, with no SDK loaded."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# A made-up API: its key format, label, hosts and extra header are given by "its SDK" (the
# script below), exactly as the real SDKs give theirs. Importing an SDK fails the script.
_SCRIPT = textwrap.dedent(
    """
    import json, re, sys

    class _NoSDK:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("dptcay_sdk", "dancity_sdk"):
                raise ImportError(f"the floor imported {name}")
            return None

    sys.meta_path.insert(0, _NoSDK())

    import httpx
    from shared_auth import ConfigurationError
    from shared_auth._auth import JWTAuth, KeyAuth
    from shared_auth._config import check_api_host, register_api_hosts
    from shared_auth._credentials import CredentialFormat, register_credentials

    register_credentials(CredentialFormat("shop_", r"shop_[a-z0-9]+", label="a shop key"))
    register_api_hosts("Shop", ("shop.example",))
    register_api_hosts("Other", ("other.example",))

    class ShopKeyAuth(KeyAuth):
        key_pattern = re.compile(r"shop_[a-z0-9]{8}")
        key_refusal = "shop keys look like shop_<8>; got {got}"

    out = {}
    auth = ShopKeyAuth("shop_abcd1234", headers=(("x-tenant", "t1"),))
    request = httpx.Request("GET", "https://shop.example/x")
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    out["headers"] = [sent.headers["authorization"], sent.headers["x-tenant"]]
    out["in_flight"] = auth.in_flight()
    flow.close()
    out["after"] = auth.in_flight()
    out["repr"] = repr(auth)
    for name, build in (
        ("key", lambda: ShopKeyAuth("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")),
        ("jwt", lambda: JWTAuth("shop_abcd1234")),
        ("host", lambda: check_api_host("https://api.other.example", api="Shop")),
    ):
        try:
            build()
        except ConfigurationError as exc:
            out[name] = str(exc)
    check_api_host("https://api.shop.example", api="Shop")  # its own host: allowed
    out["sdks"] = sorted(m for m in sys.modules if m.startswith(("dptcay", "dancity")))
    print(json.dumps(out))
    """
)


def test_the_floor_serves_an_api_it_does_not_name_without_any_sdk() -> None:
    result = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
    )
    out = json.loads(result.stdout)
    assert out["headers"] == ["Bearer shop_abcd1234", "t1"]
    assert (out["in_flight"], out["after"]) == (1, 0)
    assert "shop_abcd1234" not in out["repr"]
    assert out["repr"].startswith("ShopKeyAuth(key=")
    assert out["repr"].endswith(", x-tenant='t1')")
    assert out["key"] == "shop keys look like shop_<8>; got a JWT (eyJ…)"
    assert "got a shop key (shop_…)" in out["jwt"]
    assert "belongs in api_key=" in out["jwt"]
    assert "shop_abcd1234" not in out["jwt"]
    assert "is a Other host, but this is the Shop client" in out["host"]
    assert out["sdks"] == []
