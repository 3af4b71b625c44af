"""End to end: real Kafka, the emulator over HTTP, workers as subprocesses."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from stream.commands.produce_sample import produce_events
from stream.localdev.sample_events import sample_events
from stream.settings import KafkaSettings
from tests.builders import make_identify
from tests.fixtures.pipeline import Deployment, by_pair
from tests.fixtures.process import REPO_ROOT, ChildProcess, wait_until

pytestmark = pytest.mark.integration
MAPPING_OF = {"identify": "contacts", "group": "companies", "track": "events"}


def delivery_events(users: int, start: int = 0) -> list[dict[str, Any]]:
    """identify, group and track of `users` users, interleaved (pages match no mapping)."""
    return [e for e in sample_events(users, start=start) if e["type"] != "page"]


def produce(deployment: Deployment, events: list[dict[str, Any]]) -> None:
    produce_events(KafkaSettings(bootstrap_servers=deployment.bootstrap),
                   deployment.input_topic, events)


def assert_exactly_one_outcome_each(events: list[dict[str, Any]],
                                    records: list[dict[str, Any]]) -> None:
    expected = {(e["messageId"], MAPPING_OF[e["type"]]) for e in events}
    grouped = by_pair(records)
    assert set(grouped) == expected
    repeated = {pair: len(found) for pair, found in grouped.items() if len(found) > 1}
    assert not repeated, f"more than one outcome for {len(repeated)} pairs"


def kill_mid_stream_and_restart(deployment: Deployment, events: list[dict[str, Any]],
                                mapping_of: dict[str, str], outcomes_before: int) -> Any:
    """Produce, kill -9 the worker once `outcomes_before` outcomes are out, start another;
    returns the outcome reader once every (event, mapping) has an outcome."""
    worker = deployment.start_worker("doomed")
    produce(deployment, events)
    reader = deployment.outcome_reader()
    wait_until(lambda: reader.poll() >= outcomes_before, 120, "outcomes before the kill",
               interval_seconds=0.0)
    worker.stop(signal.SIGKILL)
    deployment.workers.remove(worker)
    deployment.start_worker("restarted")
    expected = {(e["messageId"], mapping_of[e["type"]]) for e in events}
    reader.wait_for_pairs(expected, timeout_seconds=240)
    reader.poll(3.0)
    assert reader.pairs() == expected
    return reader


async def hubspot_view(deployment: Deployment) -> dict[str, Any]:
    emulator = deployment.emulator
    return {
        "contacts": await emulator.objects("contacts"),
        "companies": await emulator.objects("companies"),
        "associations": await emulator.associations("contacts", "companies"),
        "requests": await emulator.requests(),
    }


def assert_companies_associated_with_their_contacts(
        events: list[dict[str, Any]], view: dict[str, Any]) -> None:
    contact_by_email = {c["properties"]["email"]: str(c["id"]) for c in view["contacts"]}
    company_by_group = {c["properties"]["segment_group_id"]: str(c["id"])
                        for c in view["companies"]}
    email_of = {e["userId"]: e["traits"]["email"] for e in events if e["type"] == "identify"}
    expected = {(contact_by_email[email_of[e["userId"]]], company_by_group[e["groupId"]])
                for e in events if e["type"] == "group"}
    actual = {(str(a["fromId"]), str(a["toId"])) for a in view["associations"]}
    assert expected <= actual


def assert_no_association_before_its_contact_write(view: dict[str, Any]) -> None:
    first_write: dict[str, int] = {}
    for entry in view["requests"]:
        if entry.get("object_type") == "0-1" and entry["status"] < 300:
            for record_id in entry.get("record_ids") or []:
                first_write.setdefault(str(record_id), entry["seq"])
    checked = 0
    for entry in view["requests"]:
        contact_side = "from" if entry.get("object_type") == "0-1" else "to"
        for pair in entry.get("associations") or []:
            contact = str(pair[contact_side])
            assert contact in first_write, f"association for never-written contact {contact}"
            assert first_write[contact] < entry["seq"]
            checked += 1
    assert checked > 0


def test_every_event_gets_one_outcome_and_companies_follow_their_contacts(
        deployment: Deployment) -> None:
    events = delivery_events(1000)
    deployment.start_worker()
    produce(deployment, events)
    reader = deployment.outcome_reader()
    records = reader.wait_for(len(events), timeout_seconds=240)
    reader.poll(2.0)  # nothing more may arrive
    assert_exactly_one_outcome_each(events, reader.records)
    statuses = {r["status"] for r in records}
    assert statuses == {"delivered"}, [r for r in records if r["status"] != "delivered"][:3]
    schema = Draft202012Validator(orjson.loads((REPO_ROOT / "stream/topics/outcome.schema.json")
                                               .read_bytes()))
    for record in records:
        schema.validate(record)
    view = asyncio.run(hubspot_view(deployment))
    assert len(view["contacts"]) == 1000
    assert_companies_associated_with_their_contacts(events, view)
    assert_no_association_before_its_contact_write(view)


def test_bad_input_gets_a_failure_outcome_and_never_blocks_valid_events(
        deployment: Deployment) -> None:
    valid = delivery_events(50)
    bad: list[bytes] = [
        b"{not json", b"[]", orjson.dumps({"type": "identify", "traits": {}}),
        orjson.dumps({"type": "track", "userId": "u-x", "properties": {}}),
        orjson.dumps({"type": "identify", "userId": "u-y", "traits": "wrong type"}),
        orjson.dumps(make_identify(user_id="u-big", traits={"bio": "x" * 40000})),
        orjson.dumps(make_identify(user_id="u-no-email", email=None)),
    ]
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": deployment.bootstrap,
                         "partitioner": "murmur2_random"})
    deployment.start_worker()
    for index, event in enumerate(valid):
        producer.produce(deployment.input_topic, key=event["userId"].encode(),
                         value=orjson.dumps(event))
        if index % 20 == 0:
            for raw in bad:
                producer.produce(deployment.input_topic, key=f"bad-{index}".encode(), value=raw)
    assert producer.flush(30) == 0
    injections = len(range(0, len(valid), 20))
    expected = len(valid) + len(bad) * injections
    records = deployment.outcome_reader().wait_for(expected, timeout_seconds=120)
    failures = [r for r in records if r["status"] in ("rejected", "failed")]
    assert len(failures) == len(bad) * injections
    reasons = sorted({(r["error"]["reason"], r["mapping"]) for r in failures})
    assert reasons == [("invalid_event", None), ("invalid_payload", "contacts")]
    assert all(r["event"] is not None for r in failures)
    delivered = [r for r in records if r["status"] == "delivered"]
    assert {(r["message_id"], r["mapping"]) for r in delivered} == {
        (e["messageId"], MAPPING_OF[e["type"]]) for e in valid}


def test_a_killed_worker_loses_nothing_and_converges_to_the_same_hubspot_state(
        deployment: Deployment) -> None:
    events = delivery_events(600)
    reader = kill_mid_stream_and_restart(deployment, events, MAPPING_OF, 200)
    assert all(r["status"] == "delivered" for r in reader.records)
    view = asyncio.run(hubspot_view(deployment))
    assert len(view["contacts"]) == 600
    assert len(view["companies"]) == len({e["groupId"] for e in events if e["type"] == "group"})
    assert_companies_associated_with_their_contacts(events, view)


def test_a_worker_joining_mid_stream_keeps_every_guarantee(deployment: Deployment) -> None:
    first_half, second_half = delivery_events(400), delivery_events(400, start=400)
    deployment.start_worker("a")
    deployment.start_worker("b")
    produce(deployment, first_half)
    reader = deployment.outcome_reader()
    wait_until(lambda: reader.poll() >= 300, 120, "outcomes before the join",
               interval_seconds=0.0)
    deployment.start_worker("c")
    produce(deployment, second_half)
    events = first_half + second_half
    expected = {(e["messageId"], MAPPING_OF[e["type"]]) for e in events}
    reader.wait_for_pairs(expected, timeout_seconds=240)
    reader.poll(3.0)
    assert reader.pairs() == expected
    assert all(r["status"] == "delivered" for r in reader.records)
    view = asyncio.run(hubspot_view(deployment))
    assert len(view["contacts"]) == 800
    assert_companies_associated_with_their_contacts(events, view)
    assert_no_association_before_its_contact_write(view)


def test_replay_after_a_fix_delivers_failed_events_as_a_new_attempt(
        deployment: Deployment) -> None:
    """Track events whose HubSpot event definition is missing fail; once the definition exists,
    `hubspot-stream replay` re-publishes them (message ids kept) and they are delivered."""
    events = [e for e in delivery_events(5) if e["type"] != "group"]
    for event in events:
        if event["type"] == "track":
            event["event"] = "Webinar Joined"  # no definition in the emulator yet
    deployment.start_worker()
    produce(deployment, events)
    reader = deployment.outcome_reader()
    reader.wait_for(len(events), timeout_seconds=120)
    failed = [r for r in reader.records if r["status"] in ("rejected", "failed")]
    assert {r["mapping"] for r in failed} == {"events"} and len(failed) == 5

    asyncio.run(define_event(deployment, "webinar_joined"))
    replay = ChildProcess(["replay", "--destination", deployment.env["PIPELINE_DESTINATION"],
                           "--mapping", "events"], env=deployment.env, name="replay")
    assert replay.process.wait(60) == 0, replay.lines
    replay.stop()
    assert "replayed 5 events" in replay.lines
    reader.wait_for(len(events) + 5, timeout_seconds=120)
    replayed = [r for r in reader.records if r["attempts"] == 2]
    assert sorted(r["message_id"] for r in replayed) == sorted(r["message_id"] for r in failed)
    assert {r["status"] for r in replayed} == {"delivered"}


async def define_event(deployment: Deployment, name: str) -> None:
    body = {"label": name, "name": name, "primaryObject": "CONTACT", "propertyDefinitions": []}
    response = await deployment.emulator.call("POST", "/events/v3/event-definitions", json=body)
    assert response.status in (200, 201), response.body


CONTACT_TRAITS = {  # HubSpot property -> where Segment's suggested mapping reads it
    "email": ("email",), "company": ("company",), "firstname": ("first_name",),
    "lastname": ("last_name",), "phone": ("phone",), "address": ("address", "street"),
    "city": ("address", "city"), "state": ("address", "state"),
    "country": ("address", "country"), "zip": ("address", "postalCode"),
    "website": ("website",)}
COMPANY_TRAITS = {
    "name": ("name",), "description": ("description",), "address": ("address", "street"),
    "city": ("address", "city"), "state": ("address", "state"),
    "zip": ("address", "postalCode"), "domain": ("website",), "phone": ("phone",),
    "numberofemployees": ("employees",), "industry": ("industry",)}


def _trait(traits: dict[str, Any], path: tuple[str, ...]) -> str:
    value: Any = traits
    for key in path:
        value = value[key]
    return str(value)


def _segment_defaults(deployment: Deployment) -> None:
    """Run config/examples/segment-defaults.yaml as shipped, under this test's destination id
    (its own topics and consumer group) and against the emulator."""
    shipped = (REPO_ROOT / "config/examples/segment-defaults.yaml").read_text()
    config = deployment.data_root / "segment-defaults.yaml"
    config.write_text(shipped.replace("destination: segment-defaults",
                                      f"destination: {deployment.env['PIPELINE_DESTINATION']}"))
    deployment.env.update(HUBSPOT_STREAM_CONFIG=str(config),
                          HUBSPOT_STREAM_HUBSPOT_BASE_URL=deployment.emulator.base_url)


def test_segments_suggested_mappings_deliver_every_default_mapped_trait(
        deployment: Deployment) -> None:
    _segment_defaults(deployment)
    events = delivery_events(40)
    for event in events:
        if event["type"] == "identify":
            event["traits"]["website"] = f"https://{event['userId']}.example.com"
    identifies = {e["traits"]["email"]: e["traits"] for e in events if e["type"] == "identify"}
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["type"] == "group":
            groups.setdefault(event["groupId"], []).append(event["traits"])
    for traits in [*identifies.values(), *(t for found in groups.values() for t in found)]:
        assert {"street", "state", "postalCode"} <= set(traits["address"])
    deployment.start_worker()
    produce(deployment, events)
    reader = deployment.outcome_reader()
    records = reader.wait_for(len(events), timeout_seconds=120)
    failed = [r for r in records if r["status"] != "delivered"]
    assert not failed, failed[:3]
    assert {r["mapping"] for r in records} == {
        "upsert-contact", "upsert-company", "send-custom-behavioral-event"}
    view = asyncio.run(hubspot_view(deployment))
    stored = {c["properties"]["email"]: c["properties"] for c in view["contacts"]}
    assert set(stored) == set(identifies)
    for email, traits in identifies.items():
        assert {p: stored[email].get(p) for p in CONTACT_TRAITS} == {
            p: _trait(traits, path) for p, path in CONTACT_TRAITS.items()}
    companies = {c["properties"]["segment_group_id"]: c["properties"] for c in view["companies"]}
    for group_id, sent in groups.items():  # each event carries every trait: one of them wins
        held = {p: companies[group_id].get(p) for p in COMPANY_TRAITS}
        assert held in [{p: _trait(t, path) for p, path in COMPANY_TRAITS.items()} for t in sent]
    assert_companies_associated_with_their_contacts(events, view)
