"""The three official API generations the sandbox speaks, and which one answers on each prefix.

Dancity published three descriptions of its merchant API (vendored under
``tests/data/dancity-openapi/``):

* ``"2026-04-27"`` (``a868848``) at ``/api/external/v1``: every buy carries a ``pin``, cable
  validation is ``GET /cable/validate?...``, electricity validation names ``billerName``.
* ``"2026-05-09"`` (``c9b303d``) at ``/api/external/v1``: no ``pin``, one ``POST /validate``
  for cable and electricity (``productName``), eSIM and virtual cards.
* ``"2026-05-31"`` (``c3ab95a``) at ``/api/v1``: no ``pin``, split validation (``billerCode``),
  eSIM, no virtual cards.

Two generations share ``/api/external/v1``, so a sandbox is told which one it speaks there;
``/api/v1`` always speaks ``"2026-05-31"`` (the only generation that lives there).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from dancity_sdk import _spec

ApiVersion = Literal["2026-04-27", "2026-05-09", "2026-05-31"]
API_VERSIONS: Final[tuple[ApiVersion, ...]] = ("2026-04-27", "2026-05-09", "2026-05-31")
EXTERNAL_PREFIX: Final = _spec.GENERATIONS["2026-04-27"].prefix
CURRENT_PREFIX: Final = _spec.GENERATIONS["2026-05-31"].prefix
# Only the answer shapes are the sandbox's own choice; prefixes and operations are declared
# once, in dancity_sdk._spec.
_DIALECTS: Final[Mapping[ApiVersion, ApiVersion]] = {
    "2026-04-27": "2026-05-31",
    "2026-05-09": "2026-05-09",
    "2026-05-31": "2026-05-31",
}


@dataclass(frozen=True, slots=True)
class Generation:
    """One official description as the sandbox serves it: its declarations plus a dialect.

    ``spec`` is the generation's declaration in `dancity_sdk._spec` (prefix, commit,
    operations with method, path, family and throttles). ``dialect`` names the generation
    whose documented response shapes this one answers with: ``"2026-04-27"`` documents no
    response shapes (only a free-form envelope), so it answers as ``"2026-05-31"`` does; the
    other two answer with their own examples.
    """

    version: ApiVersion
    spec: _spec.Generation
    dialect: ApiVersion

    @property
    def prefix(self) -> str:
        """The VAS path prefix."""
        return self.spec.prefix

    @property
    def takes_pin(self) -> bool:
        """Whether buy bodies carry a transaction ``pin`` (only ``"2026-04-27"``)."""
        return self.version == "2026-04-27"

    @property
    def legacy_names(self) -> bool:
        """Whether bodies use the ``/api/external/v1`` field names.

        Those are ``product`` (education), ``customerIdentifier`` (betting), ``cablename``
        on cable buys and ``wallettype`` on data and eSIM buys.
        """
        return self.prefix == EXTERNAL_PREFIX


GENERATIONS: Final[Mapping[ApiVersion, Generation]] = {
    version: Generation(version, _spec.GENERATIONS[version], _DIALECTS[version])
    for version in API_VERSIONS
}

DEFAULT_GENERATIONS: Final[Mapping[str, ApiVersion]] = {
    # The generation the authentication guide's curl examples (and older integrations) use.
    EXTERNAL_PREFIX: "2026-04-27",
    CURRENT_PREFIX: "2026-05-31",
}


def served(api_version: str | None) -> dict[str, Generation]:
    """Which generation answers on each prefix when a sandbox is asked for ``api_version``.

    ``api_version`` takes its own prefix; every other prefix keeps its default
    (``/api/external/v1`` → ``"2026-04-27"``, ``/api/v1`` → ``"2026-05-31"``).

    Raises:
        ValueError: ``api_version`` is not one of the three published dates.
    """
    chosen = {prefix: GENERATIONS[version] for prefix, version in DEFAULT_GENERATIONS.items()}
    if api_version is None:
        return chosen
    generation = next((GENERATIONS[v] for v in API_VERSIONS if v == api_version), None)
    if generation is None:
        raise ValueError(f"api_version must be one of {API_VERSIONS}, not {api_version!r}")
    chosen[generation.prefix] = generation
    return chosen
