"""`hubspot-stream topics create` provisions the declared topics idempotently."""

from __future__ import annotations

import uuid

import pytest
from confluent_kafka.admin import AdminClient, ConfigResource

from tests.fixtures.process import ChildProcess

pytestmark = pytest.mark.integration


def run_create(bootstrap: str, env: dict[str, str]) -> list[str]:
    child = ChildProcess(["topics", "create", "--destination", env["DEST"]],
                         env={"KAFKA_BOOTSTRAP_SERVERS": bootstrap, **env}, name="topics")
    assert child.process.wait(60) == 0, child.lines
    child.stop()
    return child.lines


def test_topics_create_twice_creates_then_changes_nothing(kafka_config: dict[str, str]) -> None:
    suffix = uuid.uuid4().hex[:8]
    env = {"DEST": f"d{suffix}", "HUBSPOT_STREAM_INPUT_TOPIC": f"in-{suffix}",
           "HUBSPOT_STREAM_RESULTS_TOPIC": f"res-{suffix}",
           "HUBSPOT_STREAM_FAILURES_TOPIC": f"fail-{suffix}"}
    names = {f"in-{suffix}", f"res-{suffix}", f"fail-{suffix}",
             f"hubspot-stream.d{suffix}.user-lane", f"hubspot-stream.d{suffix}.group-lane",
             f"hubspot-stream.d{suffix}.user-state", f"hubspot-stream.d{suffix}.group-state"}
    first = run_create(kafka_config["bootstrap.servers"], env)
    assert {line.split()[1] for line in first if line.startswith("created")} == names
    second = run_create(kafka_config["bootstrap.servers"], env)
    assert not [line for line in second if line.startswith("created")]
    assert {line.split()[1] for line in second if line.startswith("exists")} == names

    admin = AdminClient(kafka_config)
    metadata = admin.list_topics(timeout=10).topics
    assert len(metadata[f"hubspot-stream.d{suffix}.user-lane"].partitions) == 12
    assert len(metadata[f"hubspot-stream.d{suffix}.user-state"].partitions) == 12
    state = ConfigResource(ConfigResource.Type.TOPIC, f"hubspot-stream.d{suffix}.user-state")
    state_config = admin.describe_configs([state])[state].result(timeout=10)
    assert state_config["cleanup.policy"].value == "compact"
    resource = ConfigResource(ConfigResource.Type.TOPIC, f"fail-{suffix}")
    config = admin.describe_configs([resource])[resource].result(timeout=10)
    assert config["retention.ms"].value == "2592000000"
    assert config["cleanup.policy"].value == "delete"
