"""The JSONPath subset of `@path`: `$.a.b`, `$.a[0].b`, `$['quoted key']`, leading `$.` optional."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from stream.errors import ConfigError


class _Missing:
    """The value of a path that leads nowhere (mapping-kit's `undefined`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
Resolver = Callable[[Any], Any]

_STEP = re.compile(
    r"\.(?P<dot>[^.\[\]'\"]+)"
    r"|\[(?P<index>\d+)\]"
    r"|\['(?P<single>(?:[^'\\]|\\.)*)'\]"
    r"|\[\"(?P<double>(?:[^\"\\]|\\.)*)\"\]"
)


class PathError(ConfigError):
    """A `@path` expression outside the supported subset."""


def parse_path(text: str) -> tuple[str | int, ...]:
    """Keys of a path expression. Raises PathError naming the offending position."""
    rooted = text.startswith("$")
    body = text[1:] if rooted else "." + text
    keys: list[str | int] = []
    position = 0
    while position < len(body):
        step = _STEP.match(body, position)
        if step is None:
            offset = position + 1 if rooted else position - 1
            raise PathError(f"path {text!r}: unexpected {body[position:]!r} at position {offset}")
        if step["index"] is not None:
            keys.append(int(step["index"]))
        else:
            quoted = step["single"] if step["single"] is not None else step["double"]
            key = step["dot"] if quoted is None else re.sub(r"\\(.)", r"\1", quoted)
            keys.append(key)
        position = step.end()
    return tuple(keys)


def compile_path(text: str) -> Resolver:
    """A function from the root document to the value at `text`, or MISSING."""
    keys = parse_path(text)
    if len(keys) == 1 and isinstance(keys[0], str):
        only = keys[0]
        return lambda root: root.get(only, MISSING) if isinstance(root, dict) else MISSING
    if len(keys) == 2:
        first, second = keys
        if isinstance(first, str) and isinstance(second, str):
            return lambda root: _two_steps(root, first, second)
    return lambda root: read_path(root, keys)


def read_path(root: Any, keys: tuple[str | int, ...]) -> Any:
    """The value at `keys` below `root`, or MISSING when any step is absent."""
    value = root
    for key in keys:
        if isinstance(value, dict):
            value = value.get(key if isinstance(key, str) else str(key), MISSING)
        elif isinstance(value, list):
            index = key if isinstance(key, int) else (
                int(key) if key.isdecimal() and len(key) <= 18 else -1)
            if not 0 <= index < len(value):
                return MISSING
            value = value[index]
        else:
            return MISSING
    return value


def _two_steps(root: Any, first: str, second: str) -> Any:
    # The common case ($.traits.email) without the generic loop: rendering is per event.
    if isinstance(root, dict):
        inner = root.get(first)
        if isinstance(inner, dict):
            return inner.get(second, MISSING)
        if isinstance(inner, list):
            return read_path(inner, (second,))
    return MISSING
