"""The consumer's hand-off: a coroutine run up to its first suspension is finished as `await`."""

from __future__ import annotations

import asyncio

import pytest

from stream.agents.consumer import _finish


async def _deliver(gate: asyncio.Event, steps: list[str]) -> str:
    steps.append("started")
    await gate.wait()
    steps.append("woken")
    await asyncio.sleep(0)  # a bare yield to the loop is passed through as well
    steps.append("ended")
    return "delivered"


async def test_a_suspended_hand_off_is_finished_with_its_result() -> None:
    gate, steps = asyncio.Event(), []
    delivery = _deliver(gate, steps)
    waiting_on = delivery.send(None)
    finishing = asyncio.ensure_future(_finish(delivery, waiting_on))
    await asyncio.sleep(0.01)
    assert steps == ["started"]
    gate.set()
    assert await finishing == "delivered"
    assert steps == ["started", "woken", "ended"]


async def test_cancelling_the_hand_off_cancels_the_delivery_where_it_waits() -> None:
    gate, steps = asyncio.Event(), []
    delivery = _deliver(gate, steps)
    finishing = asyncio.ensure_future(_finish(delivery, delivery.send(None)))
    await asyncio.sleep(0.01)
    finishing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await finishing
    assert steps == ["started"]
    assert delivery.cr_frame is None  # the delivery coroutine ended (by the cancellation)


async def test_an_exception_after_the_suspension_reaches_the_caller() -> None:
    async def failing(gate: asyncio.Event) -> None:
        await gate.wait()
        raise ValueError("undecodable")

    gate = asyncio.Event()
    delivery = failing(gate)
    finishing = asyncio.ensure_future(_finish(delivery, delivery.send(None)))
    gate.set()
    with pytest.raises(ValueError, match="undecodable"):
        await finishing
