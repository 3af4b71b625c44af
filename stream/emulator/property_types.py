"""Property definitions and typed value validation (HUBSPOT_API.md sections 3.6 and 8)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stream.emulator.clock import iso_ms, parse_instant

EMAIL_PATTERN = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TYPES = {"string", "number", "date", "datetime", "enumeration", "bool", "phone_number"}
SENSITIVITIES = ("non_sensitive", "sensitive", "highly_sensitive")
DAY_MS = 86_400_000


class PropertyValueError(ValueError):
    """One invalid value: `code` is HubSpot's error code (INVALID_DATE, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Validator = Callable[[Any, str], str]


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _string(value: Any, current: str) -> str:
    return _as_text(value)


def _number(value: Any, current: str) -> str:
    text = _as_text(value)
    try:
        float(text)
    except ValueError:
        raise PropertyValueError("INVALID_LONG", f"{text} was not a valid long.") from None
    return text


def _bool(value: Any, current: str) -> str:
    text = _as_text(value).lower()
    if text not in ("true", "false"):
        raise PropertyValueError("INVALID_BOOLEAN", f"{value} was not a valid boolean.")
    return text


def _date(value: Any, current: str) -> str:
    text = _as_text(value)
    if DATE_PATTERN.match(text):
        return text
    try:
        millis = round(parse_instant(value) * 1000)
    except ValueError:
        raise PropertyValueError("INVALID_DATE", f"{text} is not a valid date.") from None
    remainder = millis % DAY_MS
    if remainder:
        hours, rest = divmod(remainder, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        seconds, ms = divmod(rest, 1000)
        raise PropertyValueError(
            "INVALID_DATE", f"{text} is at {hours}:{minutes}:{seconds}.{ms} UTC, not midnight!")
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d")


def _datetime(value: Any, current: str) -> str:
    try:
        return iso_ms(parse_instant(value))
    except ValueError:
        raise PropertyValueError("INVALID_DATETIME",
                                 f"{_as_text(value)} is not a valid datetime.") from None


def _email(value: Any, current: str) -> str:
    text = _as_text(value).strip()
    if not EMAIL_PATTERN.match(text):
        raise PropertyValueError("INVALID_EMAIL", f"Email address {text} is invalid")
    return text.lower()


def _email_list(value: Any, current: str) -> str:
    parts = [part for part in _as_text(value).split(";") if part]
    return ";".join(_email(part, "") for part in parts)


def _options_validator(allowed: list[str], multiple: bool) -> Validator:
    allowed_set = set(allowed)

    def check(value: Any, current: str) -> str:
        text = _as_text(value)
        appending = multiple and text.startswith(";")
        chosen = [part for part in text.split(";") if part] if multiple else [text]
        for choice in chosen:
            if choice not in allowed_set:
                raise PropertyValueError(
                    "INVALID_OPTION",
                    f'"{choice}" was not one of the allowed options: [{", ".join(allowed)}]')
        if appending and current:
            merged = current.split(";") + [c for c in chosen if c not in current.split(";")]
            return ";".join(merged)
        return ";".join(chosen)

    return check


@dataclass(slots=True)
class PropertyDef:
    """One property of one object type, with a compiled validator."""

    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    options: list[dict[str, Any]] = field(default_factory=list)
    has_unique_value: bool = False
    read_only_value: bool = False
    hubspot_defined: bool = False
    hidden: bool = False
    description: str = ""
    display_order: int = -1
    data_sensitivity: str = "non_sensitive"
    created_at: float = 0.0
    updated_at: float = 0.0
    validate: Validator = _string

    def compile(self) -> PropertyDef:
        """Pick the validator for the type; returns self for chaining."""
        if self.name == "email":
            self.validate = _email
        elif self.name == "hs_additional_emails":
            self.validate = _email_list
        elif self.type == "enumeration" and self.field_type == "booleancheckbox" and \
                not self.options:
            self.validate = _bool
        elif self.type == "enumeration":
            values = [str(option["value"]) for option in self.options]
            self.validate = _options_validator(values, self.field_type == "checkbox")
        else:
            self.validate = {"number": _number, "bool": _bool, "date": _date,
                             "datetime": _datetime}.get(self.type, _string)
        return self

    def option_rank(self, value: str) -> int:
        """Position of an option value (for lifecyclestage ordering); -1 if unknown."""
        for index, option in enumerate(self.options):
            if option["value"] == value:
                return index
        return -1

    def to_json(self, object_type_id: str) -> dict[str, Any]:
        """The Properties API representation."""
        return {
            "name": self.name, "label": self.label, "type": self.type,
            "fieldType": self.field_type, "groupName": self.group_name,
            "description": self.description, "options": self.options,
            "displayOrder": self.display_order, "hasUniqueValue": self.has_unique_value,
            "hidden": self.hidden, "formField": not self.read_only_value,
            "calculated": False, "externalOptions": False, "archived": False,
            "hubspotDefined": self.hubspot_defined, "dataSensitivity": self.data_sensitivity,
            "createdAt": iso_ms(self.created_at), "updatedAt": iso_ms(self.updated_at),
            "modificationMetadata": {"archivable": not self.hubspot_defined,
                                     "readOnlyDefinition": self.hubspot_defined,
                                     "readOnlyValue": self.read_only_value},
        }


def property_from_json(body: dict[str, Any], now: float) -> PropertyDef:
    """A user-created property from a Properties API body; ValueError naming a bad field."""
    for required in ("name", "label", "type", "fieldType", "groupName"):
        if not body.get(required):
            raise ValueError(f"{required} is required")
    if body["type"] not in TYPES:
        raise ValueError(f"type {body['type']!r} is not one of {sorted(TYPES)}")
    sensitivity = body.get("dataSensitivity") or "non_sensitive"
    if sensitivity not in SENSITIVITIES:
        raise ValueError(f"dataSensitivity {sensitivity!r} is not one of {list(SENSITIVITIES)}")
    options = [{"label": o.get("label", o.get("value")), "value": str(o["value"]),
                "description": o.get("description", ""), "displayOrder": o.get("displayOrder", i),
                "hidden": bool(o.get("hidden", False))}
               for i, o in enumerate(body.get("options") or [])]
    return PropertyDef(
        name=str(body["name"]), label=str(body["label"]), type=body["type"],
        field_type=body["fieldType"], group_name=body["groupName"], options=options,
        has_unique_value=bool(body.get("hasUniqueValue", False)),
        hidden=bool(body.get("hidden", False)), description=body.get("description", ""),
        display_order=int(body.get("displayOrder", -1)), data_sensitivity=sensitivity,
        created_at=now, updated_at=now,
    ).compile()
