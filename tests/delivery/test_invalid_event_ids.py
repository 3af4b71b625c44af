"""Outcomes of invalid events carry a stable message id even when the event has none, so
consumers deduplicating on (message_id, mapping, attempts) keep them apart (topics/README.md)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from stream.actions.catalog import ACTIONS
from stream.delivery.ingest import Ingestor
from stream.mappings import load_destination
from stream.outcomes.model import SourceCoordinates

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ingestor() -> Ingestor:
    destination = load_destination(
        REPO / "config/examples/segment-defaults.yaml",
        {name: action.fields for name, action in ACTIONS.items()},
        env={"HUBSPOT_PRIVATE_APP_TOKEN": "pat-test", "HUBSPOT_HUB_ID": "123"})
    return Ingestor(destination, ACTIONS, max_event_bytes=32768, clock=lambda: 1000.0)


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", orjson.dumps({"type": "identify"}),
                                 orjson.dumps({"type": "identify", "messageId": 7})])
def test_invalid_event_without_message_id_is_named_by_its_source(
        ingestor: Ingestor, raw: bytes) -> None:
    ids = []
    for offset in (1200, 1201, 1200):
        [outcome] = ingestor.ingest(raw, SourceCoordinates("segment.events", 3, offset)).outcomes
        ids.append(outcome.message_id)
        assert orjson.loads(outcome.encode())["message_id"] == outcome.message_id
    assert ids == ["source:segment.events:3:1200", "source:segment.events:3:1201",
                   "source:segment.events:3:1200"]


def test_invalid_event_with_a_message_id_keeps_it(ingestor: Ingestor) -> None:
    raw = orjson.dumps({"type": "identify", "messageId": "m-1"})
    [outcome] = ingestor.ingest(raw, SourceCoordinates("segment.events", 0, 5)).outcomes
    assert outcome.message_id == "m-1"
