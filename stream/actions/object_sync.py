"""Custom Object V2 writes: merge by id, ensure properties, write in batches, associate, lists."""

from __future__ import annotations

from collections.abc import Sequence

from stream.actions.base import ActionContext, ItemResult, Payload


async def sync_objects(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """One result per payload, in input order."""
    raise NotImplementedError
