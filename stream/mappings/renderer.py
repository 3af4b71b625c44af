"""A mapping's `fields` compiled once; rendering turns an event into an action payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stream.mappings.directives import compile_directive
from stream.mappings.path import MISSING, Resolver


class Renderer:
    """Renders compiled field mappings; top-level missing, null and "" values are dropped."""

    __slots__ = ("_fields", "names")

    def __init__(self, fields: tuple[tuple[str, Resolver], ...]) -> None:
        self._fields = fields
        self.names = tuple(name for name, _ in fields)

    def render(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """The payload for `event` (the decoded Segment event); never raises on event content."""
        payload: dict[str, Any] = {}
        for name, resolver in self._fields:
            value = resolver(event)
            if value is not MISSING and value is not None and value != "":
                payload[name] = value
        return payload


def compile_fields(fields: Mapping[str, Any], location: str = "fields") -> Renderer:
    """Compile `{field name: directive}`. Raises DirectiveError naming `location.<field>`."""
    return Renderer(
        tuple(
            (name, compile_directive(mapping, f"{location}.{name}"))
            for name, mapping in fields.items()
        )
    )
