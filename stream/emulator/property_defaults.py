"""The properties and groups every portal starts with, read from default_properties.json."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from stream.emulator.property_types import PropertyDef

CUSTOM_GROUP = ("objectinformation", "Object information")
COMMON = ("hs_object_id", "createdate")  # every object type has these
# What a custom object type starts with (besides hs_object_id and createdate).
CUSTOM_SPECIFIC = [["hs_lastmodifieddate", "Last Modified Date", "datetime", "date",
                    CUSTOM_GROUP[0], "", "r"]]


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("stream.emulator").joinpath("default_properties.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def _options(option_set: str) -> list[dict[str, Any]]:
    if not option_set:
        return []
    return [{"label": label, "value": value, "description": "", "displayOrder": index,
             "hidden": False}
            for index, (value, label) in enumerate(_data()["option_sets"][option_set])]


def _rows(object_type_id: str) -> list[list[str]]:
    standard = _data()["objects"].get(object_type_id)
    if standard is not None:
        rows: list[list[str]] = standard["properties"]
        return rows
    common = [[*row[:4], CUSTOM_GROUP[0], *row[5:]]
              for row in _data()["objects"]["0-1"]["properties"] if row[0] in COMMON]
    return common + CUSTOM_SPECIFIC


def default_properties(object_type_id: str, now: float) -> dict[str, PropertyDef]:
    """Seeded HubSpot-defined properties of a standard or custom object type."""
    result: dict[str, PropertyDef] = {}
    for order, (name, label, type_, field_type, group, option_set, flags) in enumerate(
            _rows(object_type_id)):
        result[name] = PropertyDef(
            name=name, label=label, type=type_, field_type=field_type, group_name=group,
            options=_options(option_set), has_unique_value="u" in flags,
            read_only_value="r" in flags, hubspot_defined=True,
            display_order=order, created_at=now, updated_at=now).compile()
    return result


def default_groups(object_type_id: str) -> dict[str, dict[str, Any]]:
    """The seeded property groups of an object type."""
    standard = _data()["objects"].get(object_type_id)
    pairs = standard["groups"] if standard is not None else [list(CUSTOM_GROUP)]
    return {name: {"name": name, "label": label, "displayOrder": order, "archived": False}
            for order, (name, label) in enumerate(pairs)}
