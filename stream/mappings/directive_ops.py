"""Runtime halves of the mapping directives: resolvers built from already-checked options."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from stream.mappings.path import MISSING, Resolver, parse_path, read_path

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def is_present(value: Any) -> bool:
    """`@if exists`: the value is neither missing nor null."""
    return value is not MISSING and value is not None


def is_not_blank(value: Any) -> bool:
    """`@if blank` (mapping-kit): `then` when the value is present and not an empty string."""
    return value is not MISSING and value is not None and value != ""


def if_resolver(
    condition: Resolver, test: Callable[[Any], bool], then: Resolver | None, other: Resolver | None
) -> Resolver:
    """`then` when `test(condition)`, else `else`; an absent branch yields MISSING."""

    def resolve(root: Any) -> Any:
        branch = then if test(condition(root)) else other
        return MISSING if branch is None else branch(root)

    return resolve


def to_text(value: Any) -> str:
    """String form as JavaScript's String() gives it for JSON values (objects as JSON)."""
    if isinstance(value, str):
        return value
    if value is None or value is MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return orjson.dumps(value).decode()


def template_resolver(template: str) -> Resolver:
    """`{{path}}` placeholders replaced by their values; missing ones by the empty string."""
    parts: list[str | tuple[str | int, ...]] = []
    position = 0
    for found in _PLACEHOLDER.finditer(template):
        parts.append(template[position : found.start()])
        parts.append(parse_path(found.group(1)))
        position = found.end()
    parts.append(template[position:])
    frozen = tuple(part for part in parts if part != "")

    def resolve(root: Any) -> str:
        return "".join(
            part if isinstance(part, str) else to_text(read_path(root, part)) for part in frozen
        )

    return resolve


def case_resolver(inner: Resolver, operator: str) -> Resolver:
    """Lower- or upper-case strings; other values pass through."""
    upper = operator == "upper"

    def resolve(root: Any) -> Any:
        value = inner(root)
        if not isinstance(value, str):
            return value
        return value.upper() if upper else value.lower()

    return resolve


def replace_resolver(
    inner: Resolver, pairs: Sequence[tuple[str, str]], replace_all: bool, ignore_case: bool
) -> Resolver:
    """Literal (not regex) replacements; numbers and booleans become strings, missing/null ""."""
    flags = re.IGNORECASE if ignore_case else 0
    compiled = [(re.compile(re.escape(old), flags), _literally(new)) for old, new in pairs]
    count = 0 if replace_all else 1

    def resolve(root: Any) -> Any:
        value = inner(root)
        if value is MISSING or value is None:
            return ""
        if isinstance(value, bool | int | float):
            value = to_text(value)
        if not isinstance(value, str):
            return value
        for pattern, new in compiled:
            value = pattern.sub(new, value, count=count)
        return value

    return resolve


def _literally(replacement: str) -> Callable[[re.Match[str]], str]:
    # A function replacement keeps backslashes in `replacement` literal.
    return lambda _match: replacement


def array_path_resolver(source: Resolver, item: Resolver | None) -> Resolver:
    """Each element of the array (an object counts as one) rendered with `item` as its root."""

    def resolve(root: Any) -> Any:
        value = source(root)
        if item is None or not isinstance(value, dict | list):
            return value
        elements = value if isinstance(value, list) else [value]
        return [item(element) for element in elements]

    return resolve


def json_resolver(inner: Resolver, mode: str) -> Resolver:
    """encode: JSON text of the value; decode: the value of JSON text (non-JSON passes through)."""

    def encode(root: Any) -> Any:
        value = inner(root)
        return MISSING if value is MISSING else orjson.dumps(value).decode()

    def decode(root: Any) -> Any:
        value = inner(root)
        if not isinstance(value, str):
            return value
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value

    return encode if mode == "encode" else decode


def flatten_resolver(inner: Resolver, separator: str, omit_arrays: bool) -> Resolver:
    """Nested keys joined by `separator` (array indices too unless `omit_arrays`)."""

    def resolve(root: Any) -> dict[str, Any]:
        value = inner(root)
        flat: dict[str, Any] = {}
        if isinstance(value, dict | list):
            _flatten_into(flat, value, "", separator, omit_arrays)
        return flat

    return resolve


def _flatten_into(flat: dict[str, Any], value: Any, prefix: str, sep: str, omit: bool) -> None:
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list) and not omit:
        items = ((str(i), item) for i, item in enumerate(value))
    else:
        flat[prefix] = value
        return
    for key, item in items:
        path = f"{prefix}{sep}{key}" if prefix else str(key)
        nested = isinstance(item, dict) or (isinstance(item, list) and not omit)
        if nested and item:
            _flatten_into(flat, item, path, sep, omit)
        else:
            flat[path] = item


def merge_resolver(objects: Sequence[Resolver], right_wins: bool) -> Resolver:
    """Shallow merge of the objects that resolve; `right`: later win, `left`: earlier win."""
    ordered = tuple(objects) if right_wins else tuple(reversed(objects))

    def resolve(root: Any) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for resolver in ordered:
            value = resolver(root)
            if isinstance(value, dict):
                merged.update(value)
        return merged

    return resolve
