"""Unit tests of the typed value validators (no HTTP)."""

from __future__ import annotations

import pytest

from stream.emulator.property_types import PropertyDef, PropertyValueError


def _prop(type_: str, field_type: str = "text", **extra: object) -> PropertyDef:
    return PropertyDef(name="p", label="P", type=type_, field_type=field_type,
                       group_name="g", **extra).compile()  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "stored"), [
    ("2024-05-01", "2024-05-01"), (1714521600000, "2024-05-01"), ("1714521600000", "2024-05-01"),
    ("2024-05-01T00:00:00Z", "2024-05-01")])
def test_date_accepts_days_and_midnight_epochs(value: object, stored: str) -> None:
    assert _prop("date", "date").validate(value, "") == stored


def test_date_off_midnight_names_the_time() -> None:
    with pytest.raises(PropertyValueError) as caught:
        _prop("date", "date").validate(1579179660000, "")
    assert caught.value.code == "INVALID_DATE"
    assert caught.value.message == "1579179660000 is at 13:1:0.0 UTC, not midnight!"


def test_number_keeps_decimals_and_integers_as_text() -> None:
    number = _prop("number", "number")
    assert number.validate(5.0, "") == "5"
    assert number.validate("2.5", "") == "2.5"
    with pytest.raises(PropertyValueError):
        number.validate("five", "")


def test_checkbox_append_keeps_existing_values_once() -> None:
    options = [{"label": v, "value": v} for v in ("a", "b")]
    checkbox = _prop("enumeration", "checkbox", options=options)
    assert checkbox.validate(";b", "a") == "a;b"
    assert checkbox.validate(";a", "a") == "a"
    assert checkbox.validate("b", "a") == "b"
