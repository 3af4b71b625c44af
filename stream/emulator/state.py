"""Everything one emulated portal holds, with reset, snapshot and restore."""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import web

from stream.emulator.association_store import Associations
from stream.emulator.auth import Auth
from stream.emulator.clock import Clock
from stream.emulator.config import EmulatorConfig
from stream.emulator.event_store import Events
from stream.emulator.faults import Faults
from stream.emulator.list_store import Lists
from stream.emulator.object_types import ObjectTypes
from stream.emulator.rate_limits import RateLimiter
from stream.emulator.request_log import RequestLog
from stream.emulator.schema_store import schemas_from_json, schemas_to_json
from stream.emulator.store import Store
from stream.emulator.writes import Writer, indexed_names


class EmulatorState:
    """One portal: data, tokens, limits, faults and the request log."""

    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.portal_id = config.portal_id
        self.settings = copy.deepcopy(config.settings)
        self.auth = Auth(config, self.settings)
        self.limiter = RateLimiter(self.settings, config.time_zone)
        self.log = RequestLog(config.request_log_size)
        self.faults = Faults(config.faults)
        if config.seed is not None:
            self.faults.merge({"seed": config.seed})
        self.reset_data()

    def reset_data(self) -> None:
        """Records, schemas, properties, associations, lists and events back to the seed."""
        now = self.clock.now()
        self.types = ObjectTypes(self.portal_id, now)
        self.store = Store()
        self.writer = Writer(self.store, self.portal_id, self.settings.default_lifecyclestage)
        self.associations = Associations()
        self.lists = Lists()
        self.events = Events(self.portal_id)
        self.next_custom_type = 1000
        self.sync_settings()

    def reset(self, scope: str) -> None:
        """`stats`: log, counters and windows; `all`: also data, tokens, faults and settings."""
        self.log.reset()
        self.limiter.reset()
        if scope == "stats":
            return
        self.settings.merge(copy.deepcopy(self.config.settings).to_json())
        self.limiter.daily.other_share = 0.0
        self.auth.reset_oauth()
        self.faults.clear()
        self.reset_data()

    def sync_settings(self) -> None:
        """Propagate settings that live in collaborators."""
        self.writer.default_lifecyclestage = self.settings.default_lifecyclestage
        self.writer.keep_previous = self.settings.search_index_delay_ms > 0

    def stats(self) -> dict[str, Any]:
        """`GET /_emulator/stats`."""
        now = self.clock.now()
        return {**self.log.counts(), "rate_limited": dict(self.limiter.rate_limited),
                "max_rolling_10s": self.limiter.stats(),
                "token_calls": dict(self.auth.token_calls),
                "daily": self.limiter.daily.to_json(now, self.settings.limits.daily)}

    def snapshot(self) -> dict[str, Any]:
        """The data state as one JSON document."""
        return {"portal_id": self.portal_id, "store": self.store.to_json(),
                "types": schemas_to_json(self.types),
                "associations": self.associations.to_json(), "lists": self.lists.to_json(),
                "events": self.events.to_json(), "next_custom_type": self.next_custom_type}

    def restore(self, data: dict[str, Any]) -> None:
        """Replace the data state with a `snapshot` document."""
        self.reset_data()
        schemas_from_json(self.types, data.get("types", {}), self.clock.now())
        unique = {type_id: indexed_names(t) for type_id, t in self.types.by_id.items()}
        self.store = Store.from_json(data.get("store", {}), unique)
        self.writer = Writer(self.store, self.portal_id, self.settings.default_lifecyclestage)
        self.sync_settings()
        self.associations = Associations.from_json(data.get("associations", {}))
        self.lists = Lists.from_json(data.get("lists", {}))
        self.events = Events.from_json(self.portal_id, data.get("events", {}))
        self.next_custom_type = int(data.get("next_custom_type", 1000))


STATE = web.AppKey("state", EmulatorState)
