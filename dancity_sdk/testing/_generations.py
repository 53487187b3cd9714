"""The official API generations the sandbox speaks, and which one answers on each prefix.

Everything that tells one generation from another is read from its declaration in
``dancity_sdk._spec``: its prefix, its operations and their fields (a ``pin``, a field's
wire name, whether it is required) and the answer shapes its examples document. Nothing
here names a generation by its date.

Several generations may share a prefix (``/api/external/v1``), so a sandbox is told which one
it speaks there; by default each prefix speaks the oldest generation published on it (the
one the authentication guide's curl examples and older integrations use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from dancity_sdk import _spec
from dancity_sdk._declarations import Answers

API_VERSIONS: Final[tuple[str, ...]] = _spec.API_VERSIONS
#: A description that documents no answer shapes answers like the newest one that does.
_UNDOCUMENTED: Final[Answers] = next(
    g.answers for g in reversed(tuple(_spec.GENERATIONS.values())) if g.answers is not None
)


@dataclass(frozen=True, slots=True)
class Generation:
    """One official description as the sandbox serves it.

    ``spec`` is the generation's declaration in ``dancity_sdk._spec`` (prefix, commit,
    operations with method, path, family, throttles and fields). ``dialect`` is the answer
    shapes the sandbox answers with: the ones the description documents or, when it
    documents none, those of the newest description that does.
    """

    spec: _spec.Generation

    @property
    def version(self) -> str:
        """The ``api_version``."""
        return self.spec.api_version

    @property
    def prefix(self) -> str:
        """The VAS path prefix."""
        return self.spec.prefix

    @property
    def dialect(self) -> Answers:
        """The answer shapes: ``"documents"`` or ``"views"``."""
        return self.spec.answers or _UNDOCUMENTED

    def field(self, operation: str, name: str) -> _spec.Field | None:
        """The field operation ``operation`` declares under wire name ``name``, if any."""
        return self.spec.operations[operation].wire_field(name)

    def wire_name(self, operation: str, arg: str) -> str:
        """The wire name under which ``operation`` takes the SDK argument ``arg``.

        Raises:
            KeyError: ``operation`` takes no ``arg`` in this generation.
        """
        found = self.spec.operations[operation].field(arg)
        if found is None:
            raise KeyError(f"{operation} takes no {arg} in {self.version}")
        return found.name

    def names(self, operation: str, *args: str) -> tuple[_spec.Field, ...]:
        """The fields of ``operation`` that fill any of ``args``, in that order."""
        op = self.spec.operations[operation]
        return tuple(f for arg in args if (f := op.field(arg)) is not None)


GENERATIONS: Final[Mapping[str, Generation]] = {
    version: Generation(spec) for version, spec in _spec.GENERATIONS.items()
}

#: Each prefix's default: the oldest generation published on it.
DEFAULT_GENERATIONS: Final[Mapping[str, str]] = {
    prefix: next(v for v, g in _spec.GENERATIONS.items() if g.prefix == prefix)
    for prefix in dict.fromkeys(g.prefix for g in _spec.GENERATIONS.values())
}


def served(api_version: str | None) -> dict[str, Generation]:
    """Which generation answers on each prefix when a sandbox is asked for ``api_version``.

    ``api_version`` takes its own prefix; every other prefix keeps its default (the oldest
    generation published on it).

    Raises:
        ValueError: ``api_version`` is not one of the published dates.
    """
    chosen = {prefix: GENERATIONS[version] for prefix, version in DEFAULT_GENERATIONS.items()}
    if api_version is None:
        return chosen
    generation = GENERATIONS.get(api_version)
    if generation is None:
        raise ValueError(f"api_version must be one of {API_VERSIONS}, not {api_version!r}")
    chosen[generation.prefix] = generation
    return chosen
