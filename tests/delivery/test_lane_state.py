"""Lane memory: contact ids and the message-id dedup window."""

from __future__ import annotations

from stream.delivery.lane_state import contact_id_of, remember, was_seen


def test_an_outcome_is_seen_inside_the_window_and_forgotten_after_it() -> None:
    value = remember(None, ["m1|map"], now=100.0, window_seconds=60.0)
    assert was_seen(value, "m1|map", now=150.0, window_seconds=60.0)
    assert not was_seen(value, "m1|map", now=161.0, window_seconds=60.0)
    assert not was_seen(value, "m2|map", now=101.0, window_seconds=60.0)


def test_rewriting_prunes_expired_entries_and_keeps_the_contact_id() -> None:
    value = remember(None, ["old|m"], now=0.0, window_seconds=10.0, contact_id="51")
    value = remember(value, ["new|m"], now=20.0, window_seconds=10.0)
    assert set(value["seen"]) == {"new|m"}
    assert contact_id_of(value) == "51"
    assert contact_id_of(remember(value, [], 21.0, 10.0, contact_id="52")) == "52"


def test_a_zero_window_disables_deduplication() -> None:
    value = remember(None, ["m1|map"], now=0.0, window_seconds=0.0)
    assert not was_seen(value, "m1|map", now=0.0, window_seconds=0.0)
