"""The topic declaration file is complete and resolves per destination."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.errors import ConfigError
from stream.topics.declaration import load_declaration


def test_every_topic_is_declared_once_with_partitions_retention_and_cleanup() -> None:
    declaration = load_declaration()
    ids = {t.id for t in declaration.topics}
    assert ids == {"input", "user_lane", "group_lane", "results", "failures"}
    lanes = [declaration.by_id("user_lane"), declaration.by_id("group_lane")]
    assert all(t.partitions == 12 for t in lanes)
    assert all(t.config()["cleanup.policy"] == "delete" for t in declaration.topics)


def test_lane_names_take_the_destination_id_and_overrides_win() -> None:
    resolved = load_declaration().resolved("acme", {"input": "events.custom"})
    assert resolved.by_id("user_lane").name == "hubspot-stream.acme.user-lane"
    assert resolved.by_id("input").name == "events.custom"
    assert resolved.by_id("results").name == "hubspot.results"


def test_a_declaration_missing_a_topic_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - {id: input, name: x, partitions: 1, cleanup_policy: delete,"
                    " retention_ms: 1}\n")
    with pytest.raises(ConfigError, match=r"topics\.yaml: declare each topic id exactly once"):
        load_declaration(path)
