"""CRM search filter evaluation: operators, comparisons, tokens (HUBSPOT_API.md section 3.4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stream.emulator.clock import parse_instant
from stream.emulator.responses import validation_error

TOKEN_SPLIT = re.compile(r"[^0-9a-z@._-]+")
Props = dict[str, str]


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        return parse_instant(value) * 1000
    except (TypeError, ValueError, OverflowError):
        return None


def compare(stored: str, given: Any) -> int:
    """-1, 0 or 1: numerically (numbers, dates, datetimes) when both parse, else as text."""
    left, right = _number(stored), _number(given)
    if left is not None and right is not None:
        return (left > right) - (left < right)
    a, b = stored.lower(), str(given).lower()
    return (a > b) - (a < b)


def _tokens_match(stored: str, token: Any) -> bool:
    wanted = str(token).lower()
    words = [w for w in TOKEN_SPLIT.split(stored.lower()) if w] + [stored.lower()]
    if wanted.startswith("*") or wanted.endswith("*"):
        core = wanted.strip("*")
        return any(core in word for word in words)
    return wanted in words


def _between(value: str | None, spec: dict[str, Any]) -> bool:
    return value is not None and compare(value, spec.get("value")) >= 0 and \
        compare(value, spec.get("highValue")) <= 0


OPERATORS: dict[str, Callable[[str | None, dict[str, Any]], bool]] = {
    "EQ": lambda v, f: v is not None and compare(v, f.get("value")) == 0,
    "NEQ": lambda v, f: v is None or compare(v, f.get("value")) != 0,
    "LT": lambda v, f: v is not None and compare(v, f.get("value")) < 0,
    "LTE": lambda v, f: v is not None and compare(v, f.get("value")) <= 0,
    "GT": lambda v, f: v is not None and compare(v, f.get("value")) > 0,
    "GTE": lambda v, f: v is not None and compare(v, f.get("value")) >= 0,
    "BETWEEN": _between,
    "IN": lambda v, f: v is not None and any(compare(v, x) == 0 for x in f.get("values", [])),
    "NOT_IN": lambda v, f: v is None or all(compare(v, x) != 0 for x in f.get("values", [])),
    "HAS_PROPERTY": lambda v, f: bool(v),
    "NOT_HAS_PROPERTY": lambda v, f: not v,
    "CONTAINS_TOKEN": lambda v, f: v is not None and _tokens_match(v, f.get("value")),
    "NOT_CONTAINS_TOKEN": lambda v, f: v is None or not _tokens_match(v, f.get("value")),
}


def check_filter_groups(groups: Any, limits: dict[str, int]) -> list[list[dict[str, Any]]]:
    """The filter groups, validated against the caps and operator names; 400 otherwise."""
    if not isinstance(groups, list):
        raise validation_error("filterGroups must be an array")
    if len(groups) > limits["filter_groups"]:
        raise validation_error(f"Too many filter groups: {len(groups)}. The maximum is "
                               f"{limits['filter_groups']}.")
    result = []
    for group in groups:
        filters = group.get("filters", []) if isinstance(group, dict) else []
        if len(filters) > limits["filters_per_group"]:
            raise validation_error(f"Too many filters in a group: {len(filters)}. The maximum "
                                   f"is {limits['filters_per_group']}.")
        for item in filters:
            if item.get("operator") not in OPERATORS:
                raise validation_error(f"Unknown filter operator {item.get('operator')!r}")
        result.append(filters)
    total = sum(len(filters) for filters in result)
    if total > limits["filters_total"]:
        raise validation_error(f"Too many filters: {total}. The maximum is "
                               f"{limits['filters_total']}.")
    return result


def matches(properties: Props, groups: list[list[dict[str, Any]]]) -> bool:
    """Groups are OR-ed, filters in a group AND-ed; no groups matches everything."""
    if not groups:
        return True
    return any(all(OPERATORS[f["operator"]](properties.get(f.get("propertyName", "")), f)
                   for f in filters) for filters in groups)


def matches_query(properties: Props, query: str, names: list[str]) -> bool:
    """The free-text `query`: every word is a prefix of a word in one of `names`."""
    words = [w for w in query.lower().split() if w]
    haystack = [t for name in names for t in TOKEN_SPLIT.split(properties.get(name, "").lower())
                if t] + [properties.get(name, "").lower() for name in names]
    return all(any(token.startswith(word) for token in haystack) for word in words)
