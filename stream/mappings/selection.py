"""Per event: which mappings fire, and the validated payload (or the reason) for each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stream.mappings.destination import DestinationConfig, MappingConfig
from stream.mappings.payload import InvalidPayload, validate_payload


@dataclass(slots=True)  # never mutated; unfrozen, __init__ is 3x cheaper (per event)
class MappingMatch:
    """A mapping whose trigger matched: `payload` when it rendered and validated, else `error`."""

    mapping: MappingConfig
    payload: dict[str, Any] | None
    error: InvalidPayload | None = None


def select_mappings(destination: DestinationConfig, event: Mapping[str, Any]) -> list[MappingMatch]:
    """Enabled mappings whose trigger matches `event` (the decoded Segment event), in file order.

    Never raises on event content: a payload that fails its action's field validation comes back
    as a match with `error` set (outcome `rejected`, reason `invalid_payload`). The caller applies
    `stream.events.is_enabled_for_destination` first.
    """
    matches: list[MappingMatch] = []
    for mapping in destination.enabled_mappings:
        if not mapping.trigger.matches(event):
            continue
        rendered = mapping.renderer.render(event)
        try:
            payload = validate_payload(mapping.field_specs, rendered)
        except InvalidPayload as exc:
            matches.append(MappingMatch(mapping, None, exc))
            continue
        matches.append(MappingMatch(mapping, payload))
    return matches
