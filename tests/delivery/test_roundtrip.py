"""Property: whatever the parser accepts survives every encode and decode of the pipeline unchanged
(action call on the lanes, outcome records), and whatever it rejects still becomes a failure
record that encodes; ingest never raises."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from stream.delivery.ingest import Ingestor
from stream.events.limits import MAX_DEPTH
from tests.builders import make_group, make_identify, make_track
from tests.fuzz.pipeline_checks import SOURCE, check_record, check_rejected, example_ingestors
from tests.fuzz.strategies import nested, records


@pytest.fixture(scope="module")
def ingestors() -> list[Ingestor]:
    return example_ingestors()


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(records)
def test_accepted_input_round_trips_through_every_encoding(
        ingestors: list[Ingestor], raw: bytes) -> None:
    for ingestor in ingestors:
        check_record(ingestor, raw)


@pytest.mark.parametrize("levels", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 250, 1000, 1100])
def test_deep_events_are_delivered_or_rejected_never_crash(
        ingestors: list[Ingestor], levels: int) -> None:
    """The poison record of issue 10: about 250 levels crashed ingest before the depth limit."""
    properties = {"email": "ada@example.com", "deep": nested(levels - 2)}
    raw = orjson.dumps(make_track(properties=properties)) if levels <= 250 else (
        b'{"type":"track","userId":"u","event":"e","properties":'
        + b"[" * levels + b"]" * levels + b"}")
    for ingestor in ingestors:
        check_record(ingestor, raw)
    calls = [call for ingestor in ingestors for call in ingestor.ingest(raw, SOURCE).calls]
    assert bool(calls) == (levels <= MAX_DEPTH)


@pytest.mark.parametrize("raw", [
    b"", b'{"type":"identify","userId":"\xff"}', b"\x00" * 10,
    b'{"type":"identify","userId":"u","traits":{"n":123456789012345678901234567890}}',
    orjson.dumps(make_identify(user_id="u" * 5000)),
    orjson.dumps(make_identify(traits={"k" * 5000: "v"})),
    orjson.dumps(make_identify(traits={"bio": "x" * 2_000_000})),
])
def test_hostile_records_become_failure_records_that_encode(
        ingestors: list[Ingestor], raw: bytes) -> None:
    for ingestor in ingestors:
        [outcome] = ingestor.ingest(raw, SOURCE).outcomes
        check_rejected(outcome, raw)


@pytest.mark.parametrize("number", [1e30, 2.0**64, -(2.0**63) - 4096, "1e30", "-1e19"])
def test_huge_integral_numbers_in_numeric_fields_still_encode(
        ingestors: list[Ingestor], number: float | str) -> None:
    """int(1e30) is exact in Python but no encoder of the pipeline writes it: such a value in an
    integer field (the company's employees) crashed the ingest batch at ActionCall.encode."""
    raws = [orjson.dumps(make_group(traits={"name": "Acme", "employees": number})),
            orjson.dumps(make_track(event="Feature Used", properties={
                "duration_ms": number, "email": "ada@example.com"}))]
    for raw in raws:
        for ingestor in ingestors:
            check_record(ingestor, raw)
