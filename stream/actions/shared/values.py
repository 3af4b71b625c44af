"""Value shaping shared by the actions: Segment's V1 flattening and small field readers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from stream.actions.base import invalid
from stream.actions.cache import PropertyType
from stream.actions.shared.coercion import CoercionError, coerce_value

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MOMENT = PropertyType("datetime", "date")  # how `moment` coerces (built once: per event)


def flatten_value(value: Any) -> Any:
    """One value as Segment's flattenObject sends it: arrays `;`-joined, objects as JSON, strings
    trimmed, numbers and booleans unchanged (ACTIONS.md Part B 0.5)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return ";".join(_joined_item(item) for item in value)
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return value


def _joined_item(item: Any) -> str:
    if isinstance(item, dict | list):
        return orjson.dumps(item).decode()
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def flatten_properties(properties: Any) -> dict[str, Any]:
    """A free-form `properties` object flattened for HubSpot; nulls are dropped."""
    if properties is None:
        return {}
    if type(properties) is not dict and not isinstance(properties, Mapping):  # dict: no ABC
        raise invalid("'properties' must be an object of key/value pairs")
    return {str(k): flatten_value(v) for k, v in properties.items() if v is not None}


def text(rendered: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field, trimmed; numbers become strings (AJV coerceTypes); blank counts as absent."""
    value = rendered.get(name)
    if value is not None and not isinstance(value, str):  # strings (most fields) skip this
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise invalid(f"'{name}' must be a string")
        value = str(value)
    stripped = value.strip() if value else ""
    if not stripped and required:
        raise invalid(f"The root value is missing the required field '{name}'.")
    return stripped or None


def flag(rendered: Mapping[str, Any], name: str, default: bool) -> bool:
    """A boolean field; "true"/"false" strings are accepted (AJV coerceTypes)."""
    value = rendered.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid(f"'{name}' must be a boolean")


def mapping(rendered: Mapping[str, Any], name: str) -> dict[str, Any]:
    """An object field (missing = empty)."""
    value = rendered.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise invalid(f"'{name}' must be an object of key/value pairs")
    return dict(value)


def email(rendered: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    """An email field, trimmed and lower-cased (HubSpot stores emails lower-cased)."""
    value = text(rendered, name, required=required)
    if value is None:
        return None
    if not _EMAIL.match(value):
        raise invalid(f"'{name}' must be an email address; got {value!r}")
    return value.lower()


_NON_NAME = re.compile(r"[^a-z0-9_]")


def clean_v2_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Custom Object V2 cleaning (ACTIONS.md Part B 5.3.3): keys lower-cased with other characters
    as `_` and starting with a letter; "true"/"false" become booleans; strings trimmed; objects
    and arrays as JSON; nulls dropped."""
    cleaned: dict[str, Any] = {}
    for key, value in properties.items():
        name = _NON_NAME.sub("_", str(key).lower())
        if not name[:1].isalpha():
            raise invalid(f"Property {key} in event has an invalid name. Property names must "
                          "start with a letter.")
        if value is not None:
            cleaned[name] = _clean_v2_value(value)
    return cleaned


def _clean_v2_value(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        return lowered == "true" if lowered in ("true", "false") else value.strip()
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def texts(rendered: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The string fields among `names` that are set, trimmed."""
    found = {name: text(rendered, name) for name in names}
    return {name: value for name, value in found.items() if value is not None}


def moment(rendered: Mapping[str, Any], name: str) -> str | None:
    """A datetime field as ISO-8601 UTC with milliseconds (epoch ms and ISO accepted)."""
    value = rendered.get(name)
    if value is None or value == "":
        return None
    try:
        return coerce_value(name, value, _MOMENT)
    except CoercionError as exc:
        raise invalid(str(exc)) from None


def parse_association_label(label: str | None) -> tuple[str, int] | None:
    """`"HUBSPOT_DEFINED:279"` -> ("HUBSPOT_DEFINED", 279); None when absent."""
    if not label:
        return None
    category, _, type_id = label.partition(":")
    if not category or not type_id.strip().isdigit():
        raise invalid(f"Association label {label!r} must look like CATEGORY:typeId, "
                      "e.g. HUBSPOT_DEFINED:279")
    return category.strip(), int(type_id)
