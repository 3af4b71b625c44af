"""A single-node Apache Kafka broker (KRaft) from Maven Central jars, run as a child process."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LIBS_DIR = REPO_ROOT / ".kafka" / "libs"
POM = REPO_ROOT / "tools" / "kafka-broker" / "pom.xml"
STARTED_MARKER = "Kafka Server started"
READY_TIMEOUT_SECONDS = 90.0
STOP_GRACE_SECONDS = 30.0

SERVER_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data_dir}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.dedupe.buffer.size=16777216
"""

LOG4J2_PROPERTIES = """\
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = OUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
"""


class BrokerError(RuntimeError):
    """The local broker could not be prepared or did not become ready."""


@dataclass
class Broker:
    """A local broker; `restart_broker` swaps its process, keeping port and data."""

    bootstrap: str
    process: subprocess.Popen[bytes]
    work_dir: Path
    startup_seconds: float

    @property
    def log_path(self) -> Path:
        return self.work_dir / "broker.log"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def libs_dir() -> Path:
    """Where the broker jars live: $KAFKA_LIBS_DIR or .kafka/libs in the repository."""
    return Path(os.environ.get("KAFKA_LIBS_DIR", DEFAULT_LIBS_DIR))


def ensure_jars(libs: Path | None = None) -> Path:
    """Download the broker jars with Maven when the cache is empty; returns the folder."""
    libs = libs or libs_dir()
    if libs.is_dir() and any(libs.glob("kafka_2.13-*.jar")):
        return libs
    if shutil.which("mvn") is None:
        raise BrokerError("Maven (mvn) is needed to download the Kafka jars; install it")
    command = ["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
               f"-Dkafka.libs.dir={libs}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BrokerError(f"downloading the Kafka jars failed:\n{result.stdout}{result.stderr}")
    return libs


def kafka_version(libs: Path | None = None) -> str:
    """The Kafka version of the cached jars (from the kafka_2.13 jar name)."""
    jars = sorted((libs or libs_dir()).glob("kafka_2.13-*.jar"))
    if not jars:
        raise BrokerError("no kafka_2.13 jar in the cache; run `make kafka-jars`")
    return jars[0].stem.removeprefix("kafka_2.13-")


def _java_command(libs: Path, work_dir: Path) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise BrokerError("java (OpenJDK 17+) is needed to run the local Kafka broker")
    return [
        java, "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
        f"-Dkafka.logs.dir={work_dir / 'logs'}",
        f"-Dlog4j2.configurationFile={work_dir / 'log4j2.properties'}",
        "-cp", f"{libs}/*",
    ]


def _cluster_id() -> str:
    # may start with "-": always pass it as --cluster-id=ID, never as a separate argument
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no broker log)"


def _admin_answers(bootstrap: str) -> bool:
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})
    try:
        admin.list_topics(timeout=5)
    except Exception:
        return False
    return True


def start_broker(work_dir: Path, libs: Path | None = None) -> Broker:
    """Format storage and start a broker; returns once an admin client answers.

    Raises BrokerError with the broker log tail if it exits or is not ready in time.
    """
    libs = ensure_jars(libs)
    started = time.monotonic()
    port, controller_port = free_port(), free_port()
    (work_dir / "logs").mkdir(parents=True, exist_ok=True)
    properties = work_dir / "server.properties"
    properties.write_text(SERVER_PROPERTIES.format(
        port=port, controller_port=controller_port, data_dir=work_dir / "data"))
    (work_dir / "log4j2.properties").write_text(LOG4J2_PROPERTIES)
    fmt = subprocess.run(
        [*_java_command(libs, work_dir), "kafka.tools.StorageTool", "format",
         f"--cluster-id={_cluster_id()}", "-c", str(properties)],
        capture_output=True, text=True, check=False)
    if fmt.returncode != 0:
        raise BrokerError(f"kafka storage format failed:\n{fmt.stdout}{fmt.stderr}")
    broker = Broker(f"127.0.0.1:{port}", _launch(work_dir, libs), work_dir, 0.0)
    _wait_ready(broker)
    broker.startup_seconds = time.monotonic() - started
    return broker


def restart_broker(broker: Broker, kill: bool = False, libs: Path | None = None) -> Broker:
    """Stop the broker (SIGTERM, or SIGKILL as a crash when `kill`) and start it again on the
    same port and data directory (topics and committed offsets are kept); `broker` now holds
    the new process and is returned."""
    if kill:
        from stream.localdev.services import kill_group

        kill_group(broker.process)
    else:
        stop_broker(broker)
    return start_again(broker, libs)


def start_again(broker: Broker, libs: Path | None = None) -> Broker:
    """Start a stopped broker again with its own properties (same port, same data)."""
    started = time.monotonic()
    log_offset = broker.log_path.stat().st_size if broker.log_path.exists() else 0
    broker.process = _launch(broker.work_dir, ensure_jars(libs))
    _wait_ready(broker, log_offset)
    broker.startup_seconds = time.monotonic() - started
    return broker


def _launch(work_dir: Path, libs: Path) -> subprocess.Popen[bytes]:
    with (work_dir / "broker.log").open("ab") as log:
        return subprocess.Popen(
            [*_java_command(libs, work_dir), "kafka.Kafka", str(work_dir / "server.properties")],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_ready(broker: Broker, log_offset: int = 0) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if broker.process.poll() is not None:
            raise BrokerError(f"the Kafka broker exited with code {broker.process.returncode}:\n"
                              f"{_log_tail(broker.log_path)}")
        if STARTED_MARKER in _log_since(broker.log_path, log_offset) and _admin_answers(
                broker.bootstrap):
            return
        time.sleep(0.25)
    stop_broker(broker)
    raise BrokerError(f"the Kafka broker was not ready after {READY_TIMEOUT_SECONDS:.0f} s:\n"
                      f"{_log_tail(broker.log_path)}")


def _log_since(path: Path, offset: int) -> str:
    with path.open("rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


def stop_broker(broker: Broker) -> None:
    """SIGTERM (controlled shutdown), then SIGKILL after the grace period."""
    from stream.localdev.services import terminate_group

    terminate_group(broker.process, STOP_GRACE_SECONDS)


@contextmanager
def local_broker(work_dir: Path | None = None) -> Iterator[Broker]:
    """A broker for the duration of the block; its data directory is removed afterwards."""
    owned = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="hubspot-stream-kafka-")) if owned else work_dir
    assert root is not None
    broker = start_broker(root)
    try:
        yield broker
    finally:
        stop_broker(broker)
        if owned:
            shutil.rmtree(root, ignore_errors=True)
