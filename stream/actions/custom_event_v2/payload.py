"""custom_event_v2 payloads: the normalised event name, the record it is about, cleaned
property values and the sync mode."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from stream.actions.base import Payload, invalid
from stream.actions.shared.object_types import object_path
from stream.actions.shared.sync_mode import SYNC_MODE_FIELD
from stream.actions.shared.values import mapping, moment, text
from stream.mappings.payload import as_integer

_NON_NAME = re.compile(r"[^a-z0-9_-]")
_KEY = re.compile(r"[^a-z0-9_]")
_NUMERIC = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(kw_only=True)
class CustomEventPayload(Payload):
    """One custom event occurrence against a record."""

    event_name: str
    object_type: str
    object_id: int | None = None
    email: str | None = None
    utk: str | None = None
    properties: Mapping[str, Any]
    occurred_at: str | None = None
    sync_mode: Literal["upsert", "update", "add"] = "update"


def normalise_event_name(name: str) -> str:
    """Lower-case, characters outside [a-z0-9_-] as `_` (`Custom Event 1` -> `custom_event_1`)."""
    return _NON_NAME.sub("_", name.strip().lower())


def clean_event_value(value: Any) -> Any:
    """Part B 6.3: booleans kept, "true"/"false" to booleans, numeric strings to numbers except
    `+…` (phone numbers) and blanks (kept as strings), objects as JSON, others trimmed."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    trimmed = str(value).strip()
    if trimmed.lower() in ("true", "false"):
        return trimmed.lower() == "true"
    if trimmed and not trimmed.startswith("+") and _NUMERIC.match(trimmed):
        number = float(trimmed)
        whole = as_integer(number)
        return number if whole is None else whole
    return trimmed


def build_custom_event(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> CustomEventPayload:
    """Validate a custom_event_v2 mapping (ACTIONS.md Part B 6.1-6.3)."""
    name = text(rendered, "event_name", required=True)
    details = mapping(rendered, "record_details")
    object_type = text(details, "object_type", required=True)
    assert name is not None and object_type is not None
    path = object_path(object_type)
    object_id = _numeric_id(details.get("object_id"))
    contact = path == "contacts"
    email, utk = (text(details, "email"), text(details, "utk")) if contact else (None, None)
    if not contact and object_id is None:
        raise invalid("object_id is required and must be numeric")
    if contact and object_id is None and not (email or utk):
        raise invalid("Contact requires at least one of object_id (as number), email or utk to "
                      "be provided")
    properties = {_KEY.sub("_", str(k).lower()): clean_event_value(v)
                  for k, v in mapping(rendered, "properties").items() if v is not None}
    mode = text(rendered, SYNC_MODE_FIELD) or "update"
    if mode not in ("upsert", "update", "add"):
        raise invalid(f"'{SYNC_MODE_FIELD}' must be one of upsert, update, add; got {mode!r}")
    return CustomEventPayload(
        message_id=message_id, mapping_id=mapping_id, event_name=normalise_event_name(name),
        object_type=path, object_id=object_id, email=email.lower() if email else None, utk=utk,
        properties=properties, occurred_at=moment(rendered, "occurred_at"),
        sync_mode=mode,  # type: ignore[arg-type]
    )


def _numeric_id(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return as_integer(float(value))
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
        return int(value)
    return None
