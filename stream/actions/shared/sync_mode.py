"""The sync mode of the V2 actions and Segment's mapping key for it."""

from __future__ import annotations

from typing import Literal

SyncMode = Literal["upsert", "update", "add"]
SYNC_MODE_FIELD = "__segment_internal_sync_mode"  # Segment's mapping key, kept for carry-over
