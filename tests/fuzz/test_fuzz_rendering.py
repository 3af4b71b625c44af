"""Fuzz target: every mapping of the example configs renders any event (trigger or not) without
raising; validating and building the payload raise only the documented RejectedError.
Events come as ingest hands them over: decoded within the input limits."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stream.actions.catalog import ACTIONS
from stream.errors import RejectedError
from stream.events import InvalidEvent, decode_event
from stream.mappings import select_mappings, validate_payload
from tests.fuzz.budget import ROUND, fuzz_for_budget
from tests.fuzz.pipeline_checks import MAX_EVENT_BYTES
from tests.fuzz.strategies import documents, example_destinations, json_values, raw_bytes

DESTINATIONS = example_destinations()


def render_everywhere(event: dict[str, Any]) -> None:
    for destination in DESTINATIONS:
        for mapping in destination.enabled_mappings:
            mapping.trigger.matches(event)
            rendered = mapping.renderer.render(event)
            try:
                payload = validate_payload(mapping.field_specs, rendered)
                ACTIONS[mapping.action].build_payload(payload, message_id="m-1",
                                                      mapping_id=mapping.id)
            except RejectedError as exc:
                assert exc.message
        for match in select_mappings(destination, event):
            assert (match.payload is None) != (match.error is None)


@ROUND
@given(st.one_of(documents, st.dictionaries(st.text(max_size=4), json_values)), st.booleans())
def fuzz_round(document: Any, ascii_only: bool) -> None:
    try:  # what ingest hands the renderer: a document decoded within the input limits
        event = decode_event(raw_bytes(document, ascii_only), MAX_EVENT_BYTES)
    except InvalidEvent:
        return
    if isinstance(event, dict):
        render_everywhere(event)


def test_fuzz_rendering_of_the_example_configs() -> None:
    assert fuzz_for_budget(fuzz_round) >= 1
