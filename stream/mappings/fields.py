"""Field declarations: what an action accepts and how Segment maps event data into it by default."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

FieldType = Literal[
    "string", "number", "integer", "boolean", "datetime", "object", "array", "email"
]

# A mapping directive as written in YAML: a literal, "$.path", {"@path": ...}, {"@if": ...}, ...
Directive = Any


@dataclass(frozen=True)
class FieldSpec:
    """One field of an action: type, requiredness and the default mapping (ACTIONS.md Part B).

    `type="object"` with `properties` declares a structured object (e.g. `object_details`); without
    `properties` it is a free-form key/value object (e.g. `properties`). `multiple=True` means the
    value is a list of `type` items (e.g. `associations`).
    """

    name: str
    label: str
    type: FieldType
    required: bool = False
    multiple: bool = False
    default: Directive | None = None
    choices: tuple[str, ...] = ()
    description: str = ""
    properties: tuple[FieldSpec, ...] = ()


def field_names(fields: Sequence[FieldSpec]) -> tuple[str, ...]:
    """Names of `fields`, in declaration order."""
    return tuple(field.name for field in fields)
