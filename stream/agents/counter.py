"""A faust app that consumes a topic and prints a running count: the broker smoke worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faust

from stream.settings import KafkaSettings


def build_counter_app(kafka: KafkaSettings, topic: str, app_id: str, data_dir: Path) -> Any:
    """An app whose one agent prints `consumed partition=P offset=O key=K count=N` per message."""
    app = faust.App(
        app_id,
        broker=kafka.faust_broker_url(),
        broker_client_id=kafka.client_id,
        store="memory://",
        datadir=str(data_dir),
        web_enabled=False,
        table_standby_replicas=0,
        topic_disable_leader=True,
        broker_commit_every=1,
        broker_commit_interval=0.5,
        consumer_auto_offset_reset="earliest",
    )
    source = app.topic(topic, key_type=bytes, key_serializer="raw", value_type=bytes,
                       value_serializer="raw")

    async def report_assignment(sender: Any, assigned: Any, **kwargs: Any) -> None:
        mine = sorted(tp.partition for tp in assigned if tp.topic == topic)
        print(f"assigned partitions={','.join(map(str, mine))}", flush=True)

    # faust's stubs describe the handler more narrowly than faust calls it (sender, assigned)
    app.on_partitions_assigned.connect(report_assignment)  # type: ignore[arg-type]

    @app.agent(source)
    async def count(stream: Any) -> None:
        seen = 0
        async for event in stream.events():
            seen += 1
            key = event.key.decode(errors="replace") if event.key else ""
            print(f"consumed partition={event.message.partition} offset={event.message.offset} "
                  f"key={key} count={seen}", flush=True)

    return app
