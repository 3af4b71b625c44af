"""Hostile input mixed with valid events: every record gets exactly one outcome, nothing stalls."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from tests.faults.events import round_events
from tests.faults.harness import Variant, fault_run, variants
from tests.faults.injectors import HUGE_KEY, hostile_records

pytestmark = pytest.mark.integration


@pytest.mark.xfail(strict=True, reason="the 255-level record crashes ingest (TypeError: "
                   "Recursion limit reached): its batch and what follows never get outcomes, "
                   "124-156 of 197 missing (issue 10, items 1 and 2)")
@pytest.mark.parametrize("variant", variants(0, 0))
def test_hostile_records_between_valid_events(variant: Variant, kafka_bootstrap: str,
                                              redis_url: str, tmp_path: Path) -> None:
    with fault_run("hostile input", kafka_bootstrap, redis_url, tmp_path, variant.users) as run:
        run.start_worker("steady")
        for _ in range(variant.waves):
            run.produce_waves()
            run.produce_hostile(hostile_records(run.run_id))
        [huge_key_event] = round_events(f"{run.run_id}-huge", 0, 1, run.now())[:1]
        run.produce([(HUGE_KEY, orjson.dumps(huge_key_event))])
        run.expected.add([huge_key_event])
        run.finish(time.monotonic(), variant.timeout_seconds).assert_promise()
