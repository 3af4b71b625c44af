"""Epoch order: contacts, then other user-lane actions, then companies with their contact id."""

from __future__ import annotations

from typing import Any

from stream.delivery.action_call import ActionCall
from stream.delivery.epoch import run_group_epoch, run_user_epoch
from stream.delivery.runner import ActionRunner, PausePolicy
from stream.errors import Reason
from stream.outcomes.model import SourceCoordinates
from tests.delivery.fakes import FakePayload, Recorder, fake_action, fake_context


def make_call(action: str, key: str, user: str, message: str, **extra: Any) -> ActionCall:
    return ActionCall(destination="d", mapping=f"m-{action}", action=action,
                      payload={"key": key}, routing_key=user, message_id=message,
                      event_type="identify", event_timestamp=None, received_at=0.0,
                      source=SourceCoordinates("t", 0, 0), event={"type": "identify"}, **extra)


def runner_for(recorder: Recorder, sleeps: list[float] | None = None,
               max_items: int = 100) -> ActionRunner:
    names = ("upsert_contact", "upsert_company", "send_custom_behavioral_event")
    actions = {name: fake_action(name, recorder, max_items) for name in names}

    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return ActionRunner(actions, fake_context(), PausePolicy(base_seconds=0.01), sleep=sleep)


async def test_contacts_are_written_first_and_companies_forwarded_with_their_contact_id() -> None:
    recorder = Recorder()
    calls = [
        make_call("upsert_company", "g1", "u1", "m1", group_id="g1"),
        make_call("send_custom_behavioral_event", "e1", "u1", "m2"),
        make_call("upsert_contact", "c1", "u1", "m3"),
        make_call("upsert_company", "g2", "u2", "m4", group_id="g2"),
    ]
    result = await run_user_epoch(calls, runner_for(recorder),
                                  known_contact=lambda user: "old-2" if user == "u2" else None)
    assert [name for name, _, _ in recorder.calls] == [
        "upsert_contact", "send_custom_behavioral_event"]
    assert result.contact_ids == {"u1": "upsert_contact:c1"}
    assert [(f.group_id, f.contact_id) for f in result.forwards] == [
        ("g1", "upsert_contact:c1"), ("g2", "old-2")]
    assert sorted(o.message_id or "" for o in result.outcomes) == ["m2", "m3"]


async def test_a_batch_larger_than_the_action_limit_is_chunked_in_input_order() -> None:
    recorder = Recorder()
    calls = [make_call("upsert_contact", f"c{i}", f"u{i}", f"m{i}") for i in range(250)]
    result = await run_user_epoch(calls, runner_for(recorder, max_items=100), lambda _: None)
    assert [len(keys) for _, keys, _ in recorder.calls] == [100, 100, 50]
    assert [o.message_id for o in result.outcomes] == [f"m{i}" for i in range(250)]
    assert {o.batch_size for o in result.outcomes} == {100, 50}


async def test_an_unavailable_hubspot_pauses_and_retries_instead_of_failing_events() -> None:
    recorder = Recorder(failures_before_success=3)
    sleeps: list[float] = []
    calls = [make_call("upsert_contact", "c1", "u1", "m1")]
    result = await run_user_epoch(calls, runner_for(recorder, sleeps), lambda _: None)
    assert len(sleeps) == 3
    assert [o.status for o in result.outcomes] == ["delivered"]


async def test_a_payload_the_action_rejects_fails_alone() -> None:
    recorder = Recorder()
    bad = make_call("upsert_contact", "c1", "u1", "m1")
    bad = ActionCall(**{**{f: getattr(bad, f) for f in ActionCall.__slots__}, "payload": {}})
    good = make_call("upsert_contact", "c2", "u2", "m2")
    result = await run_user_epoch([bad, good], runner_for(recorder), lambda _: None)
    statuses = {o.message_id: o.status for o in result.outcomes}
    assert statuses == {"m1": "rejected", "m2": "delivered"}
    rejected = next(o for o in result.outcomes if o.message_id == "m1")
    assert rejected.error is not None
    assert rejected.error.reason is Reason.INVALID_PAYLOAD


async def test_group_epoch_passes_the_contact_id_into_company_payloads() -> None:
    recorder = Recorder()
    calls = [make_call("upsert_company", "g1", "u1", "m1", group_id="g1", contact_id="77")]
    outcomes = await run_group_epoch(calls, runner_for(recorder))
    assert recorder.calls == [("upsert_company", ["g1"], ["77"])]
    assert outcomes[0].hubspot == {"object_type": "upsert_company", "id": "upsert_company:g1",
                                   "created": True}


async def test_the_runner_performs_the_payload_ingest_built_with_the_contact_id() -> None:
    recorder = Recorder()
    built = FakePayload(message_id="m1", mapping_id="m-upsert_company", key="built-at-ingest")
    call = make_call("upsert_company", "g1", "u1", "m1", group_id="g1", built=built)
    [outcome] = await runner_for(recorder).perform("upsert_company", [call.with_contact("c1")])
    assert outcome.status == "delivered"
    assert recorder.calls == [("upsert_company", ["built-at-ingest"], ["c1"])]
