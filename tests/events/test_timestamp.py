"""parse_timestamp: lenient ISO-8601, always an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stream.events import parse_timestamp

CASES = [
    ("2024-05-01T12:34:56Z", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34:56.789Z", datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=UTC)),
    ("2024-05-01T12:34:56.123456789Z", datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=UTC)),
    ("2024-05-01T12:34:56+02:00", datetime(2024, 5, 1, 10, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34:56+0200", datetime(2024, 5, 1, 10, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34:56.5-05", datetime(2024, 5, 1, 17, 34, 56, 500000, tzinfo=UTC)),
    ("2024-05-01 12:34:56", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34", datetime(2024, 5, 1, 12, 34, tzinfo=UTC)),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_iso_8601_variants_parse_to_utc(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01", "2024-05-01T25:00:00Z", "12:00"])
def test_unparseable_text_gives_none(text: str) -> None:
    assert parse_timestamp(text) is None
