"""faust's aiokafka consumer, handing each fetched message to the streams without two tasks.

faust's fetch loop (`Consumer._drain_messages`) delivers every message with
`wait_first(callback(message), suspend_flow.wait())`: two tasks, an `asyncio.wait` and their
cancellation per message, about a tenth of the worker's CPU (docs/benchmarks.md, round 3), so
that a rebalance can interrupt a hand-off blocked on a full stream buffer. Almost every hand-off
does not block: the callback puts the event in a stream buffer with room and returns. So the
callback is first run here up to its first suspension; only a hand-off that does suspend is
finished under `wait_first`, exactly as faust does it. The loop is faust-streaming 0.15's, with
that one change.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Coroutine, Generator
from typing import Any, cast

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as aiokafka_driver


@types.coroutine
def _resume(coroutine: Coroutine[Any, Any, Any], waiting_on: Any) -> Generator[Any, Any, Any]:
    """Finish a coroutine already run up to its first suspension (it yielded `waiting_on`
    to the event loop): pass what it waits on up to the task, and the task's wake-up (or
    cancellation) down to it, as `await` would have."""
    while True:
        try:
            sent = yield waiting_on
        except BaseException as exc:  # the task's cancellation goes to the coroutine
            try:
                waiting_on = coroutine.throw(exc)
            except StopIteration as done:
                return done.value
        else:
            try:
                waiting_on = coroutine.send(sent)
            except StopIteration as done:
                return done.value


async def _finish(coroutine: Coroutine[Any, Any, Any], waiting_on: Any) -> Any:
    return await _resume(coroutine, waiting_on)


class DrainingConsumer(aiokafka_driver.Consumer):
    """The aiokafka consumer with the cheaper per-message hand-off (module docstring)."""

    async def _drain_messages(self, fetcher: Any) -> None:
        try:
            await self._deliver_fetched(fetcher)
        except self.consumer_stopped_errors:
            if not self.transport.app.should_stop:
                raise
            self.log.info("Broker stopped consumer, shutting down...")
        except asyncio.CancelledError:
            if not self.transport.app.should_stop:
                raise
            self.log.info("Consumer shutting down for user cancel.")
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)

    async def _deliver_fetched(self, fetcher: Any) -> None:
        callback = self.callback
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set
        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        acks_enabled_for = self.app.topics.acks_enabled_for
        yield_every, since_yield = 100, 0
        while not (consumer_should_stop() or fetcher_should_stop()):
            self.diag.set_flag(CONSUMER_FETCHING)
            fetched = self.getmany(timeout=1.0)
            await self.sleep(0)  # getmany may not yield to the loop for a while
            if not self.should_stop:
                async for tp, message in fetched:
                    since_yield += 1
                    if since_yield > yield_every:
                        await asyncio.sleep(0)
                        since_yield = 0
                    offset = message.offset
                    read_offset = get_read_offset(tp)
                    if read_offset is not None and offset < read_offset:
                        continue  # already delivered (faust logs it at dev level)
                    if read_offset and offset - read_offset > 1 and acks_enabled_for(
                            message.topic):
                        await self._add_gap(tp, read_offset + 1, offset)
                    if self._commit_every is not None and self._n_acked >= self._commit_every:
                        self._n_acked = 0
                        await self.commit()
                    await self._hand_off(cast(Coroutine[Any, Any, Any], callback(message)))
                    set_read_offset(tp, offset)
            self.diag.unset_flag(CONSUMER_FETCHING)

    async def _hand_off(self, delivery: Coroutine[Any, Any, Any]) -> None:
        try:
            waiting_on = delivery.send(None)
        except StopIteration:
            return  # delivered without waiting: the common case
        await self.wait_first(_finish(delivery, waiting_on), self.suspend_flow.wait())


class DrainingTransport(aiokafka_driver.Transport):
    """faust's aiokafka transport with `DrainingConsumer`."""

    Consumer = DrainingConsumer
