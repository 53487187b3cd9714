"""mkdocs hook: the "Dancity operations" reference page, generated at build time.

Two sources, so the page cannot drift from the code:

- the client: every resource under ``client.vas`` and ``client.app`` and its public methods,
  found on an ``AsyncDancityClient`` (nothing is sent; the client opens no connection until
  a call), each rendered by mkdocstrings (signature, docstring);
- the declarations in ``dancity_sdk._spec`` (``GENERATIONS``, ``APP_OPERATIONS``,
  ``generations_with``): which generations have each operation, its method and path, and
  the wire name, requiredness and bounds of each argument in each generation.

A method's operations are the declared names its source (and the ``self.`` methods it
calls) mentions, e.g. ``self._operation("airtime.buy")``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

PAGE = "reference/dancity_operations.md"

#: Values for the examples, by argument (``resource.argument`` first).
_SAMPLES: Mapping[str, str] = {
    "airtime.product": '"MTN Airtime"',
    "betting.product": '"SportyBet"',
    "education.product": '"WAEC"',
    "data.plan": "plans[0].plan_id",
    "internet.plan": "plans[0].id",
    "product": '"MTN GIFTING"',
    "phone": '"08012345678"',
    "amount": "Decimal(200)",
    "electricity.amount": "Decimal(2000)",
    "cards.amount": "Decimal(10)",
    "betting.amount": "Decimal(1000)",
    "account_id": '"12345678"',
    "smartcard_number": '"1234567890"',
    "cablename": '"GOTV"',
    "cableplan": "plans[0].plan_id",
    "customer_name": '"ADA OBI"',
    "meter_number": '"45011223344"',
    "meter_type": '"prepaid"',
    "biller": '"ikeja-electric"',
    "address": '"12 Allen Avenue, Ikeja"',
    "package_code": "found.packages[0].package_code",
    "region_code": '"NG"',
    "iccid": "esims.esims[0].iccid",
    "status": '"frozen"',
    "card_id": "card.card_id",
    "wallet_id": "wallet_id",
    "transaction_id": "tx.id",
    "customer_ref": "error.reference",
    "product_id": "product_id",
    "service_id": "service_id",
}
#: The lines an example's sample needs first (a plan id is read from the catalog).
_PREPARE: Mapping[str, str] = {
    "data.plan": 'plans = await client.vas.catalog.data_plans(product="MTN GIFTING")',
    "internet.plan": 'plans = await client.vas.catalog.internet_plans(product="Spectranet")',
    "cable.cableplan": 'plans = await client.vas.catalog.cable_plans(product="GOTV")',
    "esim.package_code": 'found = await client.vas.esim.packages(region_code="NG")',
    "esim.iccid": "esims = await client.vas.esim.my_esims()  # an eSIM bought before",
    "esim.transaction_id": "# tx: the Transaction client.vas.esim.purchase(...) returned",
}
_RESULT_NAMES = {"Transaction": "tx", "Validation": "check", "ProductQuote": "quote"}


def _result_name(annotation: str) -> str:
    """A variable name for a result of type ``annotation`` (``ResultList[Plan]``: plans)."""
    inner = re.fullmatch(r"\w+\[(\w+)\]", annotation)
    name = inner.group(1) if inner else annotation
    if name in _RESULT_NAMES:
        snake = _RESULT_NAMES[name]
    else:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return f"{snake}s" if inner else snake


_NOT_OPERATIONS = {"_send", "_buy", "_operation", "_call"}


def _client() -> Any:
    from dancity_sdk import AsyncDancityClient  # noqa: PLC0415

    # Fake credentials of the right shape: nothing is sent, no connection is opened.
    return AsyncDancityClient(api_key="dcy_live_" + "0" * 40, jwt="e30.e30.sig")


def _resources(client: Any) -> Iterator[tuple[str, str, Any]]:
    """``(family, attribute, resource)`` for every resource of both namespaces."""
    for family in ("vas", "app"):
        namespace = getattr(client, family)
        names = getattr(namespace, "__slots__", None) or vars(namespace)
        for name in sorted(n for n in names if not n.startswith("_")):
            yield family, name, getattr(namespace, name)


def _methods(resource: Any) -> list[str]:
    cls = type(resource)
    names = [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]
    return sorted(names, key=lambda n: inspect.getsourcelines(getattr(cls, n))[1])


def _operations_of(cls: type, method: str, declared: set[str]) -> list[str]:
    """Declared operation names the method's source (and its ``self.`` calls) mentions."""
    found: list[str] = []
    seen: set[str] = set()

    def visit(name: str, depth: int) -> None:
        if name in seen or depth > 3 or name in _NOT_OPERATIONS:  # noqa: PLR2004
            return
        seen.add(name)
        function = getattr(cls, name, None)
        if function is None:
            return
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            return
        for literal in re.findall(r"""["']([\w.]+)["']""", source):
            if literal in declared and literal not in found:
                found.append(literal)
        for called in re.findall(r"self\.(\w+)\(", source):
            visit(called, depth + 1)

    visit(method, 0)
    return found


def _code(text: str) -> str:
    return f"<code>{text.replace('|', '&#124;')}</code>"


def _field_cell(field: Any) -> str:
    """A field's wire name and what its declaration requires of the value."""
    parts = [_code(field.name)]
    if not field.required:
        parts.append("optional")
    if getattr(field, "default", None) is not None:
        parts.append(f"default {_code(repr(field.default))}")
    if getattr(field, "enum", ()):
        parts.append(" / ".join(_code(str(v)) for v in field.enum))
    if getattr(field, "minimum", None) is not None:
        parts.append(f"≥ {field.minimum}")
    if getattr(field, "maximum", None) is not None:
        parts.append(f"≤ {field.maximum}")
    low, high = getattr(field, "min_length", None), getattr(field, "max_length", None)
    if low is not None or high is not None:
        parts.append(f"{low} chars" if low == high else f"{low or 0}-{high or '…'} chars")
    if getattr(field, "pattern", None) is not None:
        parts.append(f"matches {_code(str(field.pattern))}")
    return ", ".join(parts)


def _field(op: Any, arg: str) -> Any:
    """The body or query field ``arg`` fills in ``op``, if any."""
    for field in (*op.body_fields, *op.query_fields):
        if field.arg == arg:
            return field
    return None


class _Spec:
    """The declarations, read through the names ``dancity_sdk._spec`` keeps importable."""

    def __init__(self) -> None:
        from dancity_sdk import _spec  # noqa: PLC0415

        self.generations: Mapping[str, Any] = _spec.GENERATIONS
        self.versions: tuple[str, ...] = tuple(_spec.API_VERSIONS)
        self.default: str = _spec.DEFAULT_API_VERSION
        self.app: Mapping[str, Any] = _spec.APP_OPERATIONS
        self.generations_with: Callable[[str], tuple[str, ...]] = _spec.generations_with
        self.app_prefix: str = getattr(_spec, "APP_PREFIX", "/api")
        self.vas_names = {n for g in self.generations.values() for n in g.operations}

    def declared(self, family: str) -> set[str]:
        return self.vas_names if family == "vas" else set(self.app)

    def columns(self, family: str, name: str) -> list[tuple[str, Any]]:
        """``(column title, operation or None)`` per generation (one column for the App)."""
        if family == "app":
            title = f"every generation ({_code(self.app_prefix)})"
            return [(title, self.app.get(name))]
        return [
            (f"{_code(v)}<br>{_code(g.prefix)}", g.operations.get(name))
            for v, g in self.generations.items()
        ]


def _cell(op: Any, arg: str) -> str:
    """What ``arg`` fills in ``op``: a path placeholder, a body or query field, or nothing."""
    if op is None:
        return "—"
    placeholders = [p for p, a in op.path_params if a == arg]
    if placeholders:
        return "path " + _code("{" + placeholders[0] + "}")
    field = _field(op, arg)
    if field is None:
        return "—"
    return ("query " if field in op.query_fields else "") + _field_cell(field)


def _required(op: Any, arg: str) -> bool:
    """Whether ``op`` always sends ``arg``: a path placeholder or a required field."""
    if op is None:
        return False
    field = _field(op, arg)
    return any(a == arg for _, a in op.path_params) or (field is not None and field.required)


def _unmatched(arg: str, ops: list[Any], parameters: list[str]) -> str:
    """The row label of a field no parameter is named after.

    A path placeholder filled from the method's identifier (``service_id`` fills ``{id}``)
    is labelled by that parameter; anything else the SDK sets itself (``type``).
    """
    placeholders = any(a == arg for op in ops if op for _, a in op.path_params)
    declared = {a for op in ops if op for _, a in op.path_params}
    declared |= {f.arg for op in ops if op for f in (*op.body_fields, *op.query_fields)}
    spare = [p for p in parameters if p not in declared]
    if placeholders and spare:
        return _code(spare[0])
    return f"{_code(arg)} (set by the SDK)"


def _keywords(function: Any) -> tuple[str, list[str]]:
    """The ``**`` parameter's name and the keys of its ``Unpack[...]`` record, if any."""
    import dancity_sdk  # noqa: PLC0415

    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            found = re.fullmatch(r"Unpack\[(\w+)\]", str(parameter.annotation))
            record = getattr(dancity_sdk, found.group(1)) if found else None
            keys = sorted(getattr(record, "__required_keys__", set()))
            keys += sorted(getattr(record, "__optional_keys__", set()))
            return parameter.name, keys
    return "", []


def _table(
    spec: _Spec, family: str, name: str, parameters: list[str], keywords: tuple[str, list[str]]
) -> list[str]:
    """The request and each argument's wire field, one column per generation.

    A key of the method's ``**extras`` (``**filters``) record is a row of its own,
    labelled as such: it is the caller's to pass, not something the SDK sets.
    """
    columns = spec.columns(family, name)
    ops = [op for _, op in columns]
    rows = [
        "| | " + " | ".join(title for title, _ in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
        "| request | "
        + " | ".join(_code(f"{op.method} {op.path}") if op else "—" for op in ops)
        + " |",
    ]
    bag, keys = keywords
    args = [*parameters, *keys]
    for op in ops:
        declared = [a for _, a in op.path_params] if op else []
        declared += [f.arg for f in (*op.body_fields, *op.query_fields)] if op else []
        args += [a for a in declared if a not in args]
    for arg in args:
        cells = [_cell(op, arg) for op in ops]
        if all(cell == "—" for cell in cells):
            continue  # an SDK-only argument (``max_pages``, ``interval``)
        if arg not in args[: len(parameters) + len(keys)] and not any(
            _required(op, arg) for op in ops
        ):
            continue  # another method's field (``validate``'s electricity fields on ``cable``)
        if arg in parameters:
            label = _code(arg)
        elif arg in keys:
            label = f"{_code(arg)} (in {_code('**' + bag)})"
        else:
            label = _unmatched(arg, ops, parameters)
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return rows


def _limits() -> dict[str, str]:
    """Each client-side throttle's name and what it allows, from the declarations."""
    from dancity_sdk import _declarations  # noqa: PLC0415

    window = _declarations.THROTTLE_WINDOW
    per = "minute" if window == 60 else f"{window:g} s"  # noqa: PLR2004
    limit = _declarations.THROTTLE_LIMITS
    return {
        "key": f"{limit['key']}/{per} per key",
        "purchase": f"{limit['purchase']} purchases/{per}",
    }


def _returns(method: Any) -> str:
    annotation = inspect.signature(method).return_annotation
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    import dancity_sdk  # noqa: PLC0415

    public = set(dancity_sdk.__all__)

    def link(match: re.Match[str]) -> str:
        word = match.group(0)
        return f"[`{word}`][dancity_sdk.{word}]" if word in public else f"`{word}`"

    return re.sub(r"[A-Za-z_]\w*", link, text)


def _errors(spec: _Spec, family: str, names: list[str]) -> list[str]:
    ops = [op for n in names for op in _ops(spec, family, n)]
    credential = "merchant key (`api_key=`)" if family == "vas" else "user JWT (`jwt=`)"
    lines = [
        (
            f"- [`MissingCredentialError`][dancity_sdk.MissingCredentialError]: the client has no "
            f"{credential}; raised before any I/O."
        ),
        (
            "- [`InvalidInputError`][dancity_sdk.InvalidInputError]: an argument out of its "
            "declared bounds, or one the selected generation does not take; raised before any I/O."
        ),
    ]
    missing = [
        v for n in names for v in spec.versions if family == "vas" and n not in _gen(spec, v)
    ]
    if missing:
        having = sorted({v for n in names for v in spec.generations_with(n)})
        lines.append(
            "- [`UnsupportedOperationError`][dancity_sdk.UnsupportedOperationError]: the "
            f"selected generation lacks it (it is in {', '.join(f'`{v}`' for v in having)}); "
            "raised before any I/O."
        )
    if any(not op.idempotent for op in ops):
        advice = (
            "check the card's balance and transactions before trying again"
            if any(n.startswith("cards.") for n in names)
            else "reconcile with `client.vas.transactions.reconcile(error.reference)` "
            "instead of buying again"
        )
        lines.append(
            "- [`OutcomeUnknownError`][dancity_sdk.OutcomeUnknownError]: sent, then no "
            f"answer (a timeout, a dropped connection, a 5xx). Never retried: {advice}."
        )
    if any(op.path_params for op in ops):
        lines.append("- [`NotFoundError`][dancity_sdk.NotFoundError]: no such record (404).")
    lines += [
        (
            "- [`AuthenticationError`][dancity_sdk.AuthenticationError] (401; the message names "
            "the documented causes), [`BadRequestError`][dancity_sdk.BadRequestError] (400, also a "
            "`success: false` inside a 200), [`RateLimitError`][dancity_sdk.RateLimitError] (429, "
            "once the allowed retries are spent), other "
            "[`APIStatusError`][dancity_sdk.APIStatusError]s."
        ),
        "- [`APIConnectionError`][dancity_sdk.APIConnectionError] / "
        "[`APITimeoutError`][dancity_sdk.APITimeoutError]"
        + (
            " (reads are retried first, within the deadline)."
            if all(op.idempotent for op in ops)
            else " when the request provably never reached the server."
        ),
    ]
    return lines


def _gen(spec: _Spec, version: str) -> Mapping[str, Any]:
    return spec.generations[version].operations  # type: ignore[no-any-return]


def _ops(spec: _Spec, family: str, name: str) -> list[Any]:
    if family == "app":
        return [spec.app[name]] if name in spec.app else []
    return [g.operations[name] for g in spec.generations.values() if name in g.operations]


_WIDTH = 80  # the example's longest line before its call is split, one argument a line


def _example(
    family: str, resource: str, method: str, function: Any, generation: str | None = None
) -> list[str]:
    """A call that runs as written on a client of ``generation`` (None: the default one)."""
    parameters = [
        p
        for p in list(inspect.signature(function).parameters.values())[1:]
        if p.default is inspect.Parameter.empty
        and p.kind not in {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}
    ]
    positional = [
        _SAMPLES.get(f"{resource}.{p.name}", _SAMPLES.get(p.name, "..."))
        for p in parameters
        if p.kind is inspect.Parameter.POSITIONAL_ONLY
    ]
    keywords = [
        f"{p.name}={_SAMPLES.get(f'{resource}.{p.name}', _SAMPLES.get(p.name, '...'))}"
        for p in parameters
        if p.kind is not inspect.Parameter.POSITIONAL_ONLY
    ]
    arguments = [*positional, *keywords]
    prepare = [
        _PREPARE[f"{resource}.{p.name}"] for p in parameters if f"{resource}.{p.name}" in _PREPARE
    ]
    call = f"client.{family}.{resource}.{method}({', '.join(arguments)})"
    if len(call) + len("tx = await ") > _WIDTH:
        call = "\n".join(
            [f"client.{family}.{resource}.{method}(", *(f"    {a}," for a in arguments), ")"]
        )
    annotation = str(inspect.signature(function).return_annotation)
    if annotation.startswith(("AsyncIterator", "AsyncIterable")):
        body = [f"async for tx in {call}:", "    print(tx.id, tx.status, tx.amount_paid)"]
    elif annotation == "Transaction" and method != "reconcile" and family == "vas":
        body = [
            f"tx = await {call}",
            "if not tx.succeeded:  # a 200 can carry FAILED or PENDING",
            "    print(tx.status, tx.api_response)",
        ]
    else:
        body = [f"{_result_name(annotation)} = await {call}"]
    body = [*prepare, *body]
    if generation is not None:
        body = [
            f'# client = AsyncDancityClient(..., api_version="{generation}"): the default',
            "# generation does not have this operation.",
            *body,
        ]
    return ["```python", *body, "```"]


def _example_generation(spec: _Spec, family: str, names: list[str]) -> str | None:
    """The newest generation with all of ``names`` when the default one lacks one."""
    if family != "vas" or all(n in _gen(spec, spec.default) for n in names):
        return None
    having = [v for v in spec.versions if all(n in _gen(spec, v) for n in names)]
    return max(having) if having else None


def page() -> str:
    """The page's Markdown."""
    spec = _Spec()
    client = _client()
    out = [
        "# Dancity operations",
        "",
        (
            "Every method of [`AsyncDancityClient`][dancity_sdk.AsyncDancityClient]'s two "
            "namespaces: `client.vas.*`, the merchant (VAS) API (merchant key plus "
            "`channel: API`), and `client.app.*`, the first-party App API (user JWT). The "
            "blocking [`DancityClient`][dancity_sdk.DancityClient] has the same methods, "
            "called without `await`."
        ),
        "",
        (
            "Each entry gives the method's signature and documentation, then, per API generation "
            "(the client's `api_version`, see [Choosing an API generation](../generations.md)), "
            "the request it sends and the wire field each argument fills — *optional* when the "
            "generation's description does not require it, — when that generation does not "
            "take it — then its result, its errors and an example. `client` is an "
            "`AsyncDancityClient` inside `async with`; amounts are `Decimal` (`from decimal import "
            "Decimal`)."
        ),
        "",
        "## Operations by name",
        "",
        (
            "The declared operations (the names in `UnsupportedOperationError` messages and in "
            "the README's table), the methods that perform them and the generations that "
            "have them. The merchant (VAS) API, `client.vas.*`:"
        ),
        "",
        "| operation | method | " + " | ".join(spec.versions) + " |",
        "|---|---|" + "---|" * len(spec.versions),
    ]
    entries: list[str] = []
    index: dict[tuple[str, str], list[str]] = {}
    anchored: set[tuple[str, str]] = set()
    for family, attribute, resource in _resources(client):
        cls = type(resource)
        summary = (inspect.getdoc(cls) or "").split("\n\n")[0]
        entries += ["", f"## `client.{family}.{attribute}` {{#{family}-{attribute}}}", ""]
        if summary.strip("`.") != f"client.{family}.{attribute}":
            entries += [summary.replace(f"``client.{family}.{attribute}``: ", ""), ""]
        for method in _methods(resource):
            function = getattr(cls, method)
            names = _operations_of(cls, method, spec.declared(family))
            anchor = f"{family}-{attribute}-{method}".replace("_", "-")
            parameters = [p.name for p in list(inspect.signature(function).parameters.values())[1:]]
            entries += ["", f'<span id="{anchor}"></span>']
            for name in names:
                index.setdefault((family, name), []).append(f"[`{attribute}.{method}`](#{anchor})")
                if (family, name) not in anchored:
                    anchored.add((family, name))
                    entries.append(f'<span id="op-{family}-{name}"></span>')
            entries += [
                "",
                f"::: {cls.__module__}.{cls.__qualname__}.{method}",
                "    options:",
                "      show_root_heading: true",
                f'      heading: "client.{family}.{attribute}.{method}"',
                f'      toc_label: "{attribute}.{method}"',
                "      heading_level: 3",
                "",
            ]
            for name in names:
                ops = _ops(spec, family, name)
                kind = (
                    "a purchase: sent once with a `customerRef`, never retried once sent"
                    if any(not op.idempotent for op in ops)
                    else "a read (retried on connection errors, 429 and 5xx, within the deadline)"
                )
                throttles = sorted({t for op in ops for t in op.throttles})
                limits = _limits()
                counted = ", ".join(limits.get(t, t) for t in throttles) or "none"
                entries += [
                    f"**Operation `{name}`**: {kind}; client-side throttles: {counted}.",
                    "",
                    *_table(spec, family, name, parameters, _keywords(function)),
                    "",
                ]
            entries += [
                f"**Returns** {_returns(function)}",
                "",
                "**Errors**",
                "",
                *_errors(spec, family, names),
                "",
                "**Example**",
                "",
                *_example(
                    family, attribute, method, function, _example_generation(spec, family, names)
                ),
            ]
    for name in sorted(spec.vas_names):
        methods = ", ".join(index.get(("vas", name), ["**(no method)**"]))
        cells = " | ".join("✓" if v in spec.generations_with(name) else "—" for v in spec.versions)
        out.append(f"| `{name}` | {methods} | {cells} |")
    out += [
        "",
        "The App API, `client.app.*`, the same in every generation:",
        "",
        "| operation | method |",
        "|---|---|",
        *(
            f"| `{name}` | {', '.join(index.get(('app', name), ['**(no method)**']))} |"
            for name in sorted(spec.app)
        ),
    ]
    return "\n".join([*out, *entries, ""])


def on_files(files: Any, config: Any) -> Any:
    """Add the generated page to the site."""
    from mkdocs.structure.files import File  # noqa: PLC0415

    files.append(File.generated(config, PAGE, content=page()))
    return files
