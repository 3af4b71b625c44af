"""Fuzz target: ingest of arbitrary records (bytes, hostile JSON) never raises, and every
accepted event round-trips through the pipeline's encodings (tests/fuzz/pipeline_checks.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.budget import ROUND, fuzz_for_budget
from tests.fuzz.pipeline_checks import check_record, example_ingestors
from tests.fuzz.strategies import records

INGESTORS = example_ingestors()


@ROUND
@given(st.one_of(records, st.binary(max_size=4096)))
def fuzz_round(raw: bytes) -> None:
    for ingestor in INGESTORS:
        check_record(ingestor, raw)


def test_fuzz_ingest_and_round_trip() -> None:
    assert fuzz_for_budget(fuzz_round) >= 1
