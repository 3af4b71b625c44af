"""Ingest turns raw records into action calls or failure outcomes, never raising."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator

from stream.actions.catalog import ACTIONS
from stream.delivery.action_call import ActionCall
from stream.delivery.ingest import Ingestor
from stream.errors import Reason
from stream.mappings import load_destination
from stream.outcomes.model import SourceCoordinates
from tests.builders import make_group, make_identify, make_page, make_track

REPO = Path(__file__).resolve().parents[2]
SOURCE = SourceCoordinates("segment.events", 3, 1200)


def schema(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((REPO / "stream" / "topics" / name).read_text()))


OUTCOME_SCHEMA = schema("outcome.schema.json")
CALL_SCHEMA = schema("action-call.schema.json")


@pytest.fixture
def ingestor() -> Ingestor:
    destination = load_destination(
        REPO / "config/examples/segment-defaults.yaml",
        {name: action.fields for name, action in ACTIONS.items()},
        env={"HUBSPOT_PRIVATE_APP_TOKEN": "pat-test", "HUBSPOT_HUB_ID": "123"})
    return Ingestor(destination, ACTIONS, max_event_bytes=32768, clock=lambda: 1000.0)


def test_identify_becomes_one_contact_call_keyed_by_user(ingestor: Ingestor) -> None:
    event = make_identify(user_id="u-1", email="ada@example.com")
    result = ingestor.ingest(orjson.dumps(event), SOURCE)
    assert result.outcomes == []
    [call] = result.calls
    assert (call.action, call.routing_key, call.message_id) == (
        "upsert_contact", "u-1", event["messageId"])
    assert call.payload["email"] == "ada@example.com"
    assert call.source == SOURCE
    assert ActionCall.decode(call.encode()) == call
    CALL_SCHEMA.validate(orjson.loads(call.encode()))


def test_a_call_carries_the_payload_ingest_built_but_never_encodes_it(
        ingestor: Ingestor) -> None:
    event = make_identify(user_id="u-1", email="ada@example.com")
    [call] = ingestor.ingest(orjson.dumps(event), SOURCE).calls
    action = ACTIONS[call.action]
    assert call.built == action.build_payload(call.payload, message_id=call.message_id,
                                              mapping_id=call.mapping)
    assert ActionCall.decode(call.encode()).built is None


def test_group_call_carries_the_group_id_for_the_group_lane(ingestor: Ingestor) -> None:
    result = ingestor.ingest(orjson.dumps(make_group(group_id="g-9", user_id="u-2")), SOURCE)
    [call] = result.calls
    assert (call.action, call.group_id, call.routing_key) == ("upsert_company", "g-9", "u-2")


def test_anonymous_track_is_keyed_by_anonymous_id(ingestor: Ingestor) -> None:
    event = make_track(user_id=None, anonymousId="anon-7", event="Signed Up",
                       properties={"email": "ann@example.com"})
    [call] = ingestor.ingest(orjson.dumps(event), SOURCE).calls
    assert (call.action, call.routing_key) == ("send_custom_behavioral_event", "anon-7")


@pytest.mark.parametrize(("raw", "message"), [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a JSON object"),
    (orjson.dumps({"type": "identify", "traits": {}}), "userId"),
    (orjson.dumps({"type": "track", "userId": "u"}), "event"),
    (orjson.dumps({"type": "identify", "userId": "u", "traits": "x"}), "traits"),
    (orjson.dumps(make_identify(traits={"bio": "x" * 40000})), "larger than the 32768-byte"),
])
def test_invalid_events_become_failure_outcomes_with_their_reason(
        ingestor: Ingestor, raw: bytes, message: str) -> None:
    result = ingestor.ingest(raw, SOURCE)
    assert result.calls == []
    [outcome] = result.outcomes
    assert outcome.status == "rejected"
    assert outcome.error is not None
    assert outcome.error.reason is Reason.INVALID_EVENT
    assert message in outcome.error.message
    record = orjson.loads(outcome.encode())
    OUTCOME_SCHEMA.validate(record)
    assert record["event"] is not None
    assert record["source"] == {"topic": "segment.events", "partition": 3, "offset": 1200}


def test_a_payload_its_action_rejects_is_a_failure_for_that_mapping(ingestor: Ingestor) -> None:
    result = ingestor.ingest(orjson.dumps(make_identify(email=None)), SOURCE)
    assert result.calls == []
    [outcome] = result.outcomes
    assert outcome.mapping == "upsert-contact"
    assert outcome.error is not None
    assert outcome.error.reason is Reason.INVALID_PAYLOAD
    OUTCOME_SCHEMA.validate(orjson.loads(outcome.encode()))


def test_integrations_off_and_unmatched_events_are_filtered_without_outcomes(
        ingestor: Ingestor) -> None:
    off = make_identify(integrations={"All": False})
    assert ingestor.ingest(orjson.dumps(off), SOURCE).filtered == "integrations"
    unmatched = make_page()
    result = ingestor.ingest(orjson.dumps(unmatched), SOURCE)
    assert (result.filtered, result.calls, result.outcomes) == ("no_mapping", [], [])


def test_an_event_without_message_id_gets_a_stable_derived_one(ingestor: Ingestor) -> None:
    event = make_identify()
    del event["messageId"]
    first = ingestor.ingest(orjson.dumps(event), SOURCE).calls[0].message_id
    second = ingestor.ingest(orjson.dumps(event), SOURCE).calls[0].message_id
    assert first == second
    assert first.startswith("derived-")


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", orjson.dumps({"type": "identify"}),
                                 orjson.dumps({"type": "identify", "messageId": 7})])
def test_invalid_event_without_message_id_is_named_by_its_source(
        ingestor: Ingestor, raw: bytes) -> None:
    """Stable and distinct per record, so (message_id, mapping, attempts) dedup keeps them
    apart (topics/README.md)."""
    ids = []
    for offset in (1200, 1201, 1200):
        [outcome] = ingestor.ingest(raw, SourceCoordinates("segment.events", 3, offset)).outcomes
        ids.append(orjson.loads(outcome.encode())["message_id"])
    assert ids == ["source:segment.events:3:1200", "source:segment.events:3:1201",
                   "source:segment.events:3:1200"]


def test_invalid_event_with_a_message_id_keeps_it(ingestor: Ingestor) -> None:
    raw = orjson.dumps({"type": "identify", "messageId": "m-1"})
    [outcome] = ingestor.ingest(raw, SOURCE).outcomes
    assert outcome.message_id == "m-1"
