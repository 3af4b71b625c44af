"""PII redaction of the events kept on lane and failure topics, and replay of redacted events."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from stream.delivery.action_call import ActionCall
from stream.errors import Reason
from stream.outcomes.model import OutcomeError, SourceCoordinates
from stream.outcomes.redaction import HASH_PREFIX, Redaction, configured

EMAIL = "ada@example.com"


def identify() -> dict[str, Any]:
    return {"type": "identify", "userId": "u1", "messageId": "m1",
            "traits": {"email": EMAIL, "phone": "+33 1 23 45 67 89", "name": "Ada"},
            "context": {"traits": {"email": EMAIL}}}


def call(event: dict[str, Any]) -> ActionCall:
    return ActionCall(destination="acme", mapping="contacts", action="upsert_contact",
                      payload={"email": EMAIL}, routing_key="u1", message_id="m1",
                      event_type="identify", event_timestamp=None, received_at=0.0,
                      source=SourceCoordinates("segment.events", 0, 1), event=event)


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HUBSPOT_STREAM_REDACT_FIELDS", "traits.email, traits.phone, "
                       "context.traits.email")
    configured.cache_clear()
    yield
    configured.cache_clear()


def test_hash_mode_replaces_each_configured_field_and_leaves_the_rest() -> None:
    policy = Redaction.parse("traits.email,traits.phone,properties.missing")
    event = identify()
    redacted = policy.apply(event)
    assert redacted["traits"]["email"] == HASH_PREFIX + hashlib.sha256(EMAIL.encode()).hexdigest()
    assert redacted["traits"]["phone"].startswith(HASH_PREFIX)
    assert redacted["traits"]["name"] == "Ada" and redacted["context"] == event["context"]
    assert event == identify(), "the event itself is not changed"
    assert policy.apply(redacted) == redacted, "idempotent"


def test_a_hash_key_makes_it_an_hmac_and_remove_mode_drops_the_field() -> None:
    keyed = Redaction.parse("traits.email", hash_key="k").apply(identify())
    plain = Redaction.parse("traits.email").apply(identify())
    assert keyed["traits"]["email"] != plain["traits"]["email"]
    removed = Redaction.parse("traits.email", mode="remove").apply(identify())
    assert "email" not in removed["traits"] and removed["traits"]["name"] == "Ada"


def test_failure_records_and_lane_records_carry_no_clear_email(hashing: None) -> None:
    lane = orjson.loads(call(identify()).encode())
    assert EMAIL.encode() not in orjson.dumps(lane["event"])
    assert lane["payload"] == {"email": EMAIL}, "the rendered payload for HubSpot is kept"
    failure = call(identify()).outcome(
        "failed", error=OutcomeError(Reason.VALIDATION, "bad"))
    assert EMAIL.encode() not in failure.encode()
    record = orjson.loads(failure.encode())
    assert record["event"]["traits"]["name"] == "Ada"


def test_replay_drops_hashed_fields_and_keeps_the_rest(hashing: None) -> None:
    stored = orjson.loads(call(identify()).outcome(
        "failed", error=OutcomeError(Reason.VALIDATION, "bad")).encode())["event"]
    replayed = configured().without_redacted(stored)
    assert "email" not in replayed["traits"] and "phone" not in replayed["traits"]
    assert replayed["traits"]["name"] == "Ada" and replayed["userId"] == "u1"


def test_no_configuration_changes_nothing() -> None:
    assert Redaction.parse("").apply(identify()) == identify()
