"""How long the event loop was held: while it is held, no interaction can be acknowledged."""

from __future__ import annotations

import asyncio
import contextlib
import time
from types import TracebackType

TICK = 0.01  # seconds; finer ticks cost more than they tell


class LoopLagProbe:
    """`async with LoopLagProbe() as probe: ...` then `probe.worst_ms`: the longest a timer waiting
    for TICK was kept waiting beyond it while the block ran."""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoopLagProbe:
        self._task = asyncio.create_task(self._tick(), name="loop-lag-probe")
        await asyncio.sleep(0)  # the probe starts before the block's first step
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await asyncio.sleep(0)  # one last tick sees a hold that ended the block
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            self.worst_ms = max(self.worst_ms, (time.perf_counter() - before - TICK) * 1000)
