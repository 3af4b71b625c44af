"""Smoke run of bench/bench_render.py: the benchmark's pipeline works on a small mix."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

from stream.actions.catalog import ACTIONS
from stream.mappings import load_destination

ROOT = Path(__file__).parent.parent.parent


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_render", ROOT / "bench" / "bench_render.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_mix_reaches_every_default_mapping_and_counts_invalid_events() -> None:
    bench = load_bench()
    env = {**os.environ, "HUBSPOT_PRIVATE_APP_TOKEN": "t", "HUBSPOT_HUB_ID": "1"}
    config = load_destination(
        ROOT / "config" / "examples" / "segment-defaults.yaml",
        {name: action.fields for name, action in ACTIONS.items()},
        env=env,
    )
    counts = bench.run(bench.make_inputs(2_000), config, build_payloads=True)
    assert set(counts) == {
        "upsert_contact",
        "upsert_company",
        "send_custom_behavioral_event",
        "no_match",
        "invalid_event",
    }
    assert sum(counts.values()) == 2_000
