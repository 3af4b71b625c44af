"""Custom object schemas: creating object types and their snapshot form."""

from __future__ import annotations

from typing import Any

from stream.emulator.object_types import ObjectTypes


def schemas_to_json(types: ObjectTypes) -> dict[str, Any]:
    """Custom schemas and user-defined properties, for snapshots."""
    return {}


def schemas_from_json(types: ObjectTypes, data: dict[str, Any], now: float) -> None:
    """Re-create custom schemas and properties from `schemas_to_json` output."""
