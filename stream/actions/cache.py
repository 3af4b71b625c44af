"""Caches shared by the actions of a worker (filled in below)."""

from __future__ import annotations


class ActionCaches:
    """Property schemas, event definitions, lists and ensured properties, each with a TTL."""
