from __future__ import annotations

import asyncio
import time

from bot.loop_lag import LoopLagProbe


async def test_a_blocking_step_shows_as_the_time_the_loop_was_held() -> None:
    async with LoopLagProbe() as probe:
        await asyncio.sleep(0.05)
        time.sleep(0.3)  # noqa: ASYNC251 - a synchronous step on purpose: nothing else on the loop can run meanwhile
        await asyncio.sleep(0.05)
    assert 250 <= probe.worst_ms < 3000


async def test_awaiting_does_not_hold_the_loop() -> None:
    async with LoopLagProbe() as probe:
        await asyncio.sleep(0.2)
    assert probe.worst_ms < 250
