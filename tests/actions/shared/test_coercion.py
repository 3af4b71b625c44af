"""Property values are coerced by HubSpot type or rejected naming the property and type."""

from __future__ import annotations

import pytest

from stream.actions.cache import PropertyType
from stream.actions.shared.coercion import CoercionError, coerce_value

DATE = PropertyType("date", "date")
DATETIME = PropertyType("datetime", "date")
NUMBER = PropertyType("number", "number")
BOOL = PropertyType("enumeration", "booleancheckbox", ("true", "false"), ("Yes", "No"))
STAGE = PropertyType("enumeration", "select", ("lead", "customer"), ("Lead", "Customer"))
MULTI = PropertyType("enumeration", "checkbox", ("a", "b", "c"), ("A", "B", "C"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", "2024-05-01"),
        ("2024-05-01T13:01:00Z", "2024-05-01"),
        (1714568460000, "2024-05-01"),  # 13:01 UTC: HubSpot would answer INVALID_DATE
        ("1714568460000", "2024-05-01"),
        ("2024-05-01T23:30:00-02:00", "2024-05-02"),
    ],
)
def test_date_values_become_the_utc_date(value: object, expected: str) -> None:
    assert coerce_value("renewal", value, DATE) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T12:34:56Z", "2024-05-01T12:34:56.000Z"),
        ("2024-05-01T14:34:56.5+02:00", "2024-05-01T12:34:56.500Z"),
        (1714566896789, "2024-05-01T12:34:56.789Z"),
        (1714566896, "2024-05-01T12:34:56.000Z"),
        ("2024-05-01", "2024-05-01T00:00:00.000Z"),
        ("2024-05-01 12:34:56", "2024-05-01T12:34:56.000Z"),
    ],
)
def test_datetime_values_become_iso_utc_with_milliseconds(value: object, expected: str) -> None:
    assert coerce_value("seen_at", value, DATETIME) == expected


def test_booleans_become_true_false_strings() -> None:
    assert [coerce_value("vip", v, BOOL) for v in (True, "FALSE", 1, "yes")] == [
        "true", "false", "true", "true"]


def test_numbers_are_checked_and_kept_exact() -> None:
    assert [coerce_value("n", v, NUMBER) for v in (5, 5.0, "12", " 3.25 ", "1,200")] == [
        "5", "5", "12", "3.25", "1200"]


def test_enumeration_value_matches_option_value_or_label() -> None:
    assert coerce_value("lifecyclestage", "lead", STAGE) == "lead"
    assert coerce_value("lifecyclestage", "Customer", STAGE) == "customer"


def test_multi_select_checks_each_option_and_keeps_the_append_prefix() -> None:
    assert coerce_value("tags", ["a", "B"], MULTI) == "a;b"
    assert coerce_value("tags", ";c", MULTI) == ";c"


def test_empty_value_clears_the_property() -> None:
    assert coerce_value("n", "", NUMBER) == ""


@pytest.mark.parametrize(
    ("prop", "value", "expected_words"),
    [
        (DATE, "next tuesday", ['"renewal"', "date"]),
        (DATETIME, "soon", ['"renewal"', "datetime"]),
        (NUMBER, "12 apples", ['"renewal"', "number"]),
        (BOOL, "maybe", ['"renewal"', "boolean"]),
        (STAGE, "prospect", ['"renewal"', "lead, customer"]),
        (MULTI, "a;z", ['"renewal"', "a, b, c"]),
    ],
)
def test_uncoercible_value_is_rejected_naming_property_and_type(
    prop: PropertyType, value: object, expected_words: list[str]
) -> None:
    with pytest.raises(CoercionError) as caught:
        coerce_value("renewal", value, prop)
    assert all(word in str(caught.value) for word in expected_words)


def test_read_only_property_is_rejected() -> None:
    with pytest.raises(CoercionError, match="read-only"):
        coerce_value("createdate", "2024-01-01", PropertyType("datetime", "date", read_only=True))


def test_property_type_is_read_from_the_properties_api_shape() -> None:
    prop = PropertyType.from_hubspot({
        "name": "lifecyclestage", "type": "enumeration", "fieldType": "radio",
        "options": [{"label": "Lead", "value": "lead"}],
        "modificationMetadata": {"readOnlyValue": False},
    })
    assert (prop.type, prop.field_type, prop.options, prop.read_only) == (
        "enumeration", "radio", ("lead",), False)
