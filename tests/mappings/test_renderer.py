"""compile_fields / Renderer: top-level empties dropped, nested values kept."""

from __future__ import annotations

from stream.mappings import compile_fields
from tests.builders import make_identify


def test_render_drops_missing_null_and_empty_values_at_the_top_level_only() -> None:
    renderer = compile_fields(
        {
            "email": "$.traits.email",
            "missing": "$.traits.nope",
            "null": "$.traits.nothing",
            "empty": "$.traits.blank",
            "zero": "$.traits.zero",
            "false": "$.traits.off",
            "nested": {"blank": "$.traits.blank", "null": "$.traits.nothing"},
        }
    )
    event = make_identify(traits={"blank": "", "nothing": None, "zero": 0, "off": False})
    assert renderer.render(event) == {
        "email": "ada@example.com",
        "zero": 0,
        "false": False,
        "nested": {"blank": "", "null": None},
    }
    assert renderer.names == ("email", "missing", "null", "empty", "zero", "false", "nested")


def test_render_never_raises_on_unexpected_event_shapes() -> None:
    renderer = compile_fields({"a": "$.traits.address.city", "b": {"@template": "{{traits.x.y}}"}})
    assert renderer.render({"traits": "not an object"}) == {}
    assert renderer.render({}) == {}
