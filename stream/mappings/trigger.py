"""Trigger language: the typed tree whose nodes evaluate events (built by trigger_parser)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from stream.mappings.trigger_syntax import (
    CompareOp,
    FunctionName,
    Literal_,
    format_literal,
    format_path,
)

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Field:
    """A path into the event: `("properties", "plan")` reads event["properties"]["plan"]."""

    path: tuple[str, ...]

    def read(self, event: Mapping[str, Any]) -> Any:
        """The value at the path, or None when any step is absent."""
        value: Any = event
        for key in self.path:
            if type(value) is dict or isinstance(value, Mapping):  # a dict skips the ABC check
                value = value.get(key)
            elif (isinstance(value, list) and key.isdecimal() and len(key) <= 18
                  and int(key) < len(value)):
                value = value[int(key)]
            else:
                return None
        return value

    def __str__(self) -> str:
        return format_path(self.path)


@dataclass(frozen=True, slots=True)
class Compare:
    """`field op literal`; numbers compare numerically (numeric strings too)."""

    field: Field
    op: CompareOp
    value: Literal_

    def matches(self, event: Mapping[str, Any]) -> bool:
        """True when the event's value satisfies the comparison."""
        actual = self.field.read(event)
        if self.op == "=":
            return _equals(actual, self.value)
        if self.op == "!=":
            return not _equals(actual, self.value)
        number = _as_number(actual)
        if number is None:
            return False
        limit: float = self.value  # type: ignore[assignment]  # the parser allows only numbers
        if self.op == "<":
            return number < limit
        if self.op == "<=":
            return number <= limit
        if self.op == ">":
            return number > limit
        return number >= limit

    def __str__(self) -> str:
        return f"{self.field} {self.op} {format_literal(self.value)}"


@dataclass(frozen=True, slots=True)
class Function:
    """`contains(field, "x")` / `match(field, "glob*")`, optionally negated with `!`."""

    name: FunctionName
    field: Field
    argument: str
    negated: bool = False
    _pattern: re.Pattern[str] = dataclass_field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        glob = ".*".join(re.escape(part) for part in self.argument.split("*"))
        object.__setattr__(self, "_pattern", re.compile(glob, re.DOTALL))

    def matches(self, event: Mapping[str, Any]) -> bool:
        """contains: substring of a string or element of a list; match: whole-string glob."""
        actual = self.field.read(event)
        if self.name == "contains":
            found = isinstance(actual, str | list) and self.argument in actual
        else:
            found = isinstance(actual, str) and self._pattern.fullmatch(actual) is not None
        return found != self.negated

    def __str__(self) -> str:
        bang = "!" if self.negated else ""
        return f"{bang}{self.name}({self.field}, {format_literal(self.argument)})"


@dataclass(frozen=True, slots=True)
class And:
    """Both sides match."""

    left: Trigger
    right: Trigger

    def matches(self, event: Mapping[str, Any]) -> bool:
        """Short-circuit conjunction."""
        return self.left.matches(event) and self.right.matches(event)

    def __str__(self) -> str:
        left = _wrap(self.left, Or)
        right = _wrap(self.right, (And, Or))
        return f"{left} and {right}"


@dataclass(frozen=True, slots=True)
class Or:
    """Either side matches."""

    left: Trigger
    right: Trigger

    def matches(self, event: Mapping[str, Any]) -> bool:
        """Short-circuit disjunction."""
        return self.left.matches(event) or self.right.matches(event)

    def __str__(self) -> str:
        return f"{self.left} or {_wrap(self.right, Or)}"


Trigger = Compare | Function | And | Or


def _equals(actual: Any, expected: Literal_) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        if isinstance(actual, str):
            return actual.lower() == ("true" if expected else "false")
        return actual is expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    number = _as_number(actual)
    return number is not None and number == expected


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _wrap(tree: Trigger, kinds: type | tuple[type, ...]) -> str:
    return f"({tree})" if isinstance(tree, kinds) else str(tree)
