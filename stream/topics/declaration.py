"""The topic declaration file: every topic with partitions, retention and cleanup policy."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stream.errors import ConfigError

# package data next to this module (installed with the wheel); topics/README.md documents it
DECLARATION_FILE = Path(__file__).resolve().parent / "topics.yaml"
TopicId = Literal["input", "user_lane", "group_lane", "user_state", "group_state", "results",
                  "failures"]
CO_PARTITIONED: tuple[tuple[TopicId, TopicId], ...] = (("user_lane", "user_state"),
                                                      ("group_lane", "group_state"))


class TopicSpec(BaseModel):
    """One declared topic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: TopicId
    name: str = Field(min_length=1)
    partitions: int = Field(ge=1)
    cleanup_policy: Literal["delete", "compact", "compact,delete"]
    retention_ms: int = Field(ge=-1)
    description: str = ""

    def config(self) -> dict[str, str]:
        """Topic-level configs as the admin API takes them."""
        return {"cleanup.policy": self.cleanup_policy, "retention.ms": str(self.retention_ms)}


class TopicDeclaration(BaseModel):
    """The whole file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topics: tuple[TopicSpec, ...]

    def by_id(self, topic_id: TopicId) -> TopicSpec:
        """The spec with this id (every id is declared; the loader checks)."""
        return next(t for t in self.topics if t.id == topic_id)

    def resolved(
        self, destination: str, overrides: Mapping[str, str] | None = None
    ) -> TopicDeclaration:
        """Names with `{destination}` filled in and per-id name overrides applied."""
        overrides = overrides or {}
        topics = tuple(
            t.model_copy(update={"name": overrides.get(t.id) or t.name.format(
                destination=destination)})
            for t in self.topics
        )
        return TopicDeclaration(topics=topics)


def load_declaration(path: Path = DECLARATION_FILE) -> TopicDeclaration:
    """Parse and check the declaration file; raises ConfigError naming the file and the fix."""
    try:
        raw = yaml.safe_load(path.read_text())
        declaration = TopicDeclaration.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid topic declaration: {exc}") from exc
    ids = [t.id for t in declaration.topics]
    missing = sorted(set(get_args(TopicId)) - set(ids))
    if missing or len(ids) != len(set(ids)):
        raise ConfigError(f"{path}: declare each topic id exactly once; missing: {missing}")
    for lane, state in CO_PARTITIONED:
        if declaration.by_id(lane).partitions != declaration.by_id(state).partitions:
            raise ConfigError(f"{path}: {state} must have as many partitions as {lane} (its "
                              "state is co-partitioned with the lane)")
    return declaration
