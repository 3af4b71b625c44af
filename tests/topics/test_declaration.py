"""The topic declaration file is complete and resolves per destination."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stream.errors import ConfigError
from stream.topics.declaration import DECLARATION_FILE, load_declaration


def test_every_topic_is_declared_once_with_partitions_retention_and_cleanup() -> None:
    declaration = load_declaration()
    ids = {t.id for t in declaration.topics}
    assert ids == {"input", "user_lane", "group_lane", "user_state", "group_state", "results",
                   "failures"}
    lanes = [declaration.by_id(i) for i in ("user_lane", "group_lane", "user_state",
                                              "group_state")]
    assert all(t.partitions == 12 for t in lanes)
    policies = {t.id: t.config()["cleanup.policy"] for t in declaration.topics}
    assert policies == {"input": "delete", "user_lane": "delete", "group_lane": "delete",
                        "user_state": "compact", "group_state": "compact", "results": "delete",
                        "failures": "delete"}


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


def test_a_state_topic_partitioned_unlike_its_lane_is_refused(tmp_path: Path) -> None:
    text = DECLARATION_FILE.read_text()
    path = tmp_path / "topics.yaml"
    path.write_text(re.sub(r"partitions: 12 +# must equal user_lane's.*", "partitions: 6", text))
    with pytest.raises(ConfigError, match="user_state must have as many partitions as user_lane"):
        load_declaration(path)
