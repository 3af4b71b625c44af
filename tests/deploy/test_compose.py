"""docker-compose.yml: valid against the Compose specification, every file it mounts exists,
and the exact command of each of our services runs as a local process and delivers events."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from confluent_kafka import Consumer

from stream.localdev.kafka import free_port
from tests.deploy.compose import COMPOSE_FILE, compose_services
from tests.fixtures.pipeline import OutcomeReader
from tests.fixtures.process import REPO_ROOT, ChildProcess
from tests.fixtures.wheel import InstalledWheel

IMAGE_EXAMPLES = "/etc/hubspot-stream/examples"
OURS = ("emulator", "topics", "worker-1", "worker-2", "producer")


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    check = shutil.which("check-jsonschema", path=str(REPO_ROOT / ".venv" / "bin"))
    assert check, "check-jsonschema is a dev dependency (requirements.lock)"
    done = subprocess.run([check, "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_mounted_file_exists_and_our_services_use_the_dockerfile() -> None:
    services = compose_services()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (REPO_ROOT / source).exists(), f"{name} mounts missing {source}"
    images = {services[name]["image"] for name in OURS}
    assert len(images) == 1 and all(
        services[name].get("build") == "." for name in ("emulator", "worker-1", "worker-2"))
    ids = {services[w]["environment"]["HUBSPOT_STREAM_CONSUMER_GROUP_INSTANCE_ID"]
           for w in ("worker-1", "worker-2")}
    assert len(ids) == 2, "static membership needs one instance id per worker"
    pinned = [services[n]["image"] for n in ("kafka", "redis", "prometheus", "grafana")]
    assert all("@sha256:" in image for image in pinned), pinned


def test_kafka_image_matches_the_broker_version_of_the_tests() -> None:
    from stream.localdev.kafka import kafka_version

    image = compose_services()["kafka"]["image"]
    assert image.startswith(f"apache/kafka:{kafka_version()}@"), image


def local_env(environment: dict[str, str], endpoints: dict[str, str], data_dir: Path,
              topics: dict[str, str]) -> dict[str, str]:
    """A service's environment with container hosts replaced by the local processes (and topics
    of this test run, so a shared broker's earlier records do not count)."""
    env: dict[str, str] = dict(topics)
    for key, value in environment.items():
        text = str(value)
        for container, local in endpoints.items():
            text = text.replace(container, local)
        env[key] = text.replace(IMAGE_EXAMPLES, str(REPO_ROOT / "config" / "examples"))
    if "HUBSPOT_STREAM_WEB_PORT" in env:
        env["HUBSPOT_STREAM_WEB_PORT"] = str(free_port())
        env["HUBSPOT_STREAM_DATA_DIR"] = str(data_dir)
    return env


def results_reader(bootstrap: str, topics: dict[str, str]) -> OutcomeReader:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"compose-{free_port()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topics["HUBSPOT_STREAM_RESULTS_TOPIC"],
                        topics["HUBSPOT_STREAM_FAILURES_TOPIC"]])
    return OutcomeReader(consumer)


@pytest.mark.integration
def test_each_compose_command_runs_as_a_local_process(
        installed_wheel: InstalledWheel, kafka_bootstrap: str, redis_url: str,
        tmp_path: Path) -> None:
    port = str(free_port())
    services = compose_services({"EMULATOR_PORT": port})
    endpoints = {"kafka:9092": kafka_bootstrap, "redis://redis:6379/0": redis_url,
                 "http://emulator:": "http://127.0.0.1:"}
    children: list[ChildProcess] = []
    run = uuid.uuid4().hex[:8]
    topics = {f"HUBSPOT_STREAM_{kind}_TOPIC": f"compose-{kind.lower()}-{run}"
              for kind in ("INPUT", "RESULTS", "FAILURES")}

    def start(name: str) -> ChildProcess:
        service = services[name]
        env = local_env(service.get("environment", {}), endpoints, tmp_path / name, topics)
        child = ChildProcess(service["command"], env, name=name,
                             command=installed_wheel.command, cwd=tmp_path)
        children.append(child)
        return child

    reader = results_reader(kafka_bootstrap, topics)
    try:
        start("emulator").wait_for_line("listening=", timeout_seconds=60)
        create = start("topics")
        assert create.process.wait(60) == 0, create.lines
        for worker in ("worker-1", "worker-2"):
            start(worker).wait_for_line("worker destination=segment-defaults", 90)
        producer = start("producer")
        assert producer.process.wait(120) == 0, producer.lines
        input_topic = topics["HUBSPOT_STREAM_INPUT_TOPIC"]
        assert producer.lines[-1] == f"produced 800 events to {input_topic}"
        outcomes = reader.wait_for(600, timeout_seconds=240)  # pages match no mapping
        failed = [r for r in outcomes if r["status"] != "delivered"]
        assert not failed, failed[:3]
        assert {r["destination"] for r in outcomes} == {"segment-defaults"}
        assert {r["mapping"] for r in outcomes} == {"upsert-contact", "upsert-company",
                                                    "send-custom-behavioral-event"}
    finally:
        reader.close()
        for child in reversed(children):
            child.stop()
