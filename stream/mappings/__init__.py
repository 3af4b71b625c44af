"""Mappings: trigger language, field-mapping directives, destination config and selection."""

from stream.mappings.destination import (
    MAX_MAPPINGS,
    BatchingOptions,
    DestinationConfig,
    HubSpotConnection,
    MappingConfig,
    OAuthAuth,
    PrivateAppAuth,
    RateLimits,
)
from stream.mappings.directives import DirectiveError, compile_directive
from stream.mappings.fields import FieldSpec, FieldType
from stream.mappings.loader import Catalog, load_destination
from stream.mappings.path import MISSING
from stream.mappings.payload import InvalidPayload, validate_payload
from stream.mappings.problems import ConfigProblem, DestinationConfigError
from stream.mappings.renderer import Renderer, compile_fields
from stream.mappings.selection import MappingMatch, select_mappings
from stream.mappings.trigger import Trigger
from stream.mappings.trigger_parser import parse_trigger
from stream.mappings.trigger_syntax import TriggerSyntaxError

__all__ = [
    "MAX_MAPPINGS",
    "MISSING",
    "BatchingOptions",
    "Catalog",
    "ConfigProblem",
    "DestinationConfig",
    "DestinationConfigError",
    "DirectiveError",
    "FieldSpec",
    "FieldType",
    "HubSpotConnection",
    "InvalidPayload",
    "MappingConfig",
    "MappingMatch",
    "OAuthAuth",
    "PrivateAppAuth",
    "RateLimits",
    "Renderer",
    "Trigger",
    "TriggerSyntaxError",
    "compile_directive",
    "compile_fields",
    "load_destination",
    "parse_trigger",
    "select_mappings",
    "validate_payload",
]
