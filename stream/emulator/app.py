"""The aiohttp application factory of the HubSpot emulator."""

from __future__ import annotations

from aiohttp import web

from stream.emulator import (
    admin,
    association_labels,
    associations_api,
    crm_batch,
    crm_objects,
    crm_properties,
    crm_search,
    events_api,
    lists_api,
    oauth_api,
    schemas_api,
)
from stream.emulator.clock import Clock
from stream.emulator.config import EmulatorConfig
from stream.emulator.pipeline import hubspot_middleware
from stream.emulator.state import STATE, EmulatorState

ROUTE_MODULES = [admin, oauth_api, crm_batch, crm_search, crm_properties, association_labels,
                 associations_api, crm_objects, schemas_api, events_api, lists_api]


def build_app(config: EmulatorConfig, clock: Clock | None = None) -> web.Application:
    """A fresh emulator application holding one portal's state in memory."""
    app = web.Application(middlewares=[hubspot_middleware], client_max_size=64 * 1024 * 1024)
    app[STATE] = EmulatorState(config, clock or Clock())
    for module in ROUTE_MODULES:
        module.add_routes(app)
    return app
