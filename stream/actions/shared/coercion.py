"""Property values coerced by their HubSpot property type, or rejected naming property and type."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from stream.actions.cache import PropertyType

_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$")
_SECONDS_BELOW = 100_000_000_000  # epoch numbers below this are seconds (year 5138 in ms)


class CoercionError(ValueError):
    """A value that cannot become what the property's type needs; the message says why."""


def coerce_value(name: str, value: Any, prop: PropertyType) -> str:
    """`value` as HubSpot accepts it for `prop` (ACTIONS.md Part A 7, HUBSPOT_API.md 8).

    Raises CoercionError naming the property and the expected type.
    """
    if prop.read_only:
        raise CoercionError(f'Property "{name}" is read-only in HubSpot')
    if value is None or value == "":
        return ""  # HubSpot clears a property on ""
    kind = "bool" if prop.field_type == "booleancheckbox" else prop.type
    converter = _CONVERTERS.get(kind)
    if converter is None:
        return _as_text(value)
    try:
        return converter(value, prop)
    except (ValueError, OverflowError, OSError):
        expected = _describe(kind, prop)
        raise CoercionError(f'Property "{name}" expects {expected}; got {value!r}') from None


def _describe(kind: str, prop: PropertyType) -> str:
    if kind == "enumeration":
        shown = ", ".join(prop.options[:10]) + (", ..." if len(prop.options) > 10 else "")
        return f"one of the options [{shown}]"
    return {"number": "a number", "bool": "a boolean (true/false)",
            "date": "a date (YYYY-MM-DD or epoch ms at midnight UTC)",
            "datetime": "a datetime (ISO-8601 or epoch ms)"}.get(kind, kind)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any, _prop: PropertyType) -> str:
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("not finite")
        return _as_text(value)
    text = str(value).strip().replace(",", "") if isinstance(value, str) else ""
    if not _NUMBER.match(text):
        raise ValueError("not a number")
    return _as_text(float(text)) if any(c in text for c in ".eE") else str(int(text))


def _boolean(value: Any, _prop: PropertyType) -> str:
    if isinstance(value, bool):
        return _as_text(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return "true"
    if text in ("false", "0", "no"):
        return "false"
    raise ValueError("not a boolean")


def instant(value: Any) -> datetime:
    """A moment in UTC from ISO-8601 text, a bare date, or epoch ms / s (number or text)."""
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        value = float(value.strip())
    if isinstance(value, int | float):
        seconds = value if abs(value) < _SECONDS_BELOW else value / 1000
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        raise ValueError("not a date")
    text = value.strip()
    if _DATE.match(text):
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(value: Any, _prop: PropertyType) -> str:
    # HubSpot answers INVALID_DATE for epoch ms not at midnight UTC: truncate to the UTC date.
    return instant(value).date().isoformat()


def _datetime(value: Any, _prop: PropertyType) -> str:
    return instant(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _enumeration(value: Any, prop: PropertyType) -> str:
    if prop.field_type == "checkbox":  # multi-select: ;-separated, a leading ; appends
        text = ";".join(map(_as_text, value)) if isinstance(value, list) else _as_text(value)
        lead = ";" if text.startswith(";") else ""
        return lead + ";".join(_option(part.strip(), prop) for part in text.split(";") if part)
    return _option(_as_text(value).strip(), prop)


def _option(text: str, prop: PropertyType) -> str:
    if text in prop.options or not prop.options:
        return text
    folded = text.casefold()
    for value, label in zip(prop.options, prop.option_labels, strict=True):
        if folded in (value.casefold(), label.casefold()):
            return value
    raise ValueError("not an option")


_CONVERTERS = {
    "number": _number,
    "bool": _boolean,
    "date": _date,
    "datetime": _datetime,
    "enumeration": _enumeration,
}


def temporal_kind(value: Any) -> str | None:
    """"date" for `YYYY-MM-DD` text, "datetime" for ISO-8601 date-time text, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return "date" if _DATE.match(text) else "datetime" if _DATETIME.match(text) else None
