"""Rendered payload validation, as Segment's AJV step: drop undeclared keys, coerce, check."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from stream.errors import Reason, RejectedError
from stream.mappings.directive_ops import to_text
from stream.mappings.fields import FieldSpec

_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_NUMBER = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


class InvalidPayload(RejectedError):
    """A rendered payload its action cannot take: failure outcome for that mapping only."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(Reason.INVALID_PAYLOAD, " ".join(problems))
        self.problems = tuple(problems)


class _Invalid(Exception):
    """One value that cannot be coerced to its field's type."""


def validate_payload(fields: Sequence[FieldSpec], payload: dict[str, Any]) -> dict[str, Any]:
    """The payload reduced to declared fields with values coerced to their types.

    Raises InvalidPayload listing every missing required field and every uncoercible value.
    """
    problems: list[str] = []
    result = _validate_object(fields, payload, "", problems)
    if problems:
        raise InvalidPayload(problems)
    return result


def _validate_object(
    fields: Sequence[FieldSpec], value: dict[str, Any], pointer: str, problems: list[str]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for spec in fields:
        item = value.get(spec.name)
        if item is None:
            if spec.required:
                owner = f"The value at {pointer}" if pointer else "The root value"
                problems.append(f"{owner} is missing the required field '{spec.name}'.")
            continue
        try:
            result[spec.name] = _coerce_field(spec, item, f"{pointer}/{spec.name}", problems)
        except _Invalid as exc:
            problems.append(str(exc))
    return result


def _coerce_field(spec: FieldSpec, value: Any, pointer: str, problems: list[str]) -> Any:
    if not spec.multiple:
        return _coerce_one(spec, value, pointer, problems)
    items = value if isinstance(value, list) else [value]
    if spec.type == "object" and spec.properties:
        return _complete_items(spec, items, pointer)
    return [_coerce_one(spec, item, f"{pointer}/{i}", problems) for i, item in enumerate(items)]


def _complete_items(spec: FieldSpec, items: list[Any], pointer: str) -> list[Any]:
    """List items of structured objects that lack a required key are dropped, not fatal, as
    Segment drops associations with an empty field (ACTIONS.md Part B 5.3)."""
    kept: list[Any] = []
    for i, item in enumerate(items):
        item_problems: list[str] = []
        try:
            coerced = _coerce_one(spec, item, f"{pointer}/{i}", item_problems)
        except _Invalid:
            continue
        if not item_problems:
            kept.append(coerced)
    return kept


def _coerce_one(spec: FieldSpec, value: Any, pointer: str, problems: list[str]) -> Any:
    if spec.type == "object":
        if not isinstance(value, dict):
            raise _Invalid(f"The value at {pointer} must be object.")
        if spec.properties:
            return _validate_object(spec.properties, value, pointer, problems)
        return value
    coerced = _coerce_scalar(spec.type, value, pointer)
    if spec.choices and coerced not in spec.choices:
        allowed = ", ".join(spec.choices)
        raise _Invalid(
            f"The value at {pointer} must be equal to one of the allowed values: {allowed}."
        )
    return coerced


def _coerce_scalar(kind: str, value: Any, pointer: str) -> Any:
    if kind == "string" and type(value) is str:  # most fields: nothing to coerce
        return value
    if isinstance(value, list) and len(value) == 1 and kind != "array":
        value = value[0]
    if kind in ("string", "email"):
        if isinstance(value, dict | list):
            raise _Invalid(f"The value at {pointer} must be string.")
        text = to_text(value)
        if kind == "email" and not _EMAIL.match(text):
            raise _Invalid(f'The value at {pointer} must match format "email".')
        return text
    if kind in ("number", "integer"):
        return _coerce_number(kind, value, pointer)
    if kind == "boolean":
        return _coerce_boolean(value, pointer)
    if kind == "datetime":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and (_DATETIME.match(value) or value.isdigit()):
            return value
        raise _Invalid(f'The value at {pointer} must match format "date-time".')
    if kind == "array":
        return value if isinstance(value, list) else [value]
    return value


def as_integer(number: float) -> int | None:
    """An integral float as an int when it fits the 64 bits orjson writes (lane records, HubSpot
    request bodies), else None: int(1e30) would make every later encode fail."""
    if number.is_integer() and -(2**63) <= number < 2**64:
        return int(number)
    return None


def _coerce_number(kind: str, value: Any, pointer: str) -> int | float:
    number: int | float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _NUMBER.match(value):
        number = float(value)
    if number is None or not math.isfinite(number):
        raise _Invalid(f"The value at {pointer} must be {kind}.")
    whole = as_integer(number) if isinstance(number, float) else number
    if kind == "integer" and whole is None:
        if isinstance(number, float) and not number.is_integer():
            raise _Invalid(f"The value at {pointer} must be integer.")
        raise _Invalid(f"The value at {pointer} is beyond the 64-bit integer range.")
    return number if whole is None else whole


def _coerce_boolean(value: Any, pointer: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", 1):
        return True
    if value in ("false", 0):
        return False
    raise _Invalid(f"The value at {pointer} must be boolean.")
