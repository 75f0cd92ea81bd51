"""Waiting on the emulated world instead of sleeping: every change wakes the waiters to re-check."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from .gateway import Gateway
from .models import MessageRecord
from .state import EmulatorState

T = TypeVar("T")


class WaitingMixin:
    """The `wait_*` helpers of DiscordEmulator."""

    state: EmulatorState
    gateway: Gateway

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
        """Return the first truthy `predicate()`, re-checked whenever the emulated world changes."""
        return await self.state.changes.wait_for(predicate, timeout, what)

    async def wait_for_messages(
        self,
        channel_id: int,
        count: int,
        timeout: float = 5.0,
    ) -> list[MessageRecord]:
        """Wait until a channel holds at least `count` messages (ephemeral ones included); return them."""
        await self.wait_for(
            lambda: len(self.state.messages_in(channel_id)) >= count,
            timeout,
            f"{count} messages in channel {channel_id}",
        )
        return self.state.messages_in(channel_id)

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[MessageRecord], bool] = lambda m: True,
        timeout: float = 5.0,
    ) -> MessageRecord:
        """Wait for the first message in a channel that matches `predicate`."""

        def find() -> MessageRecord | None:
            return next((m for m in self.state.messages_in(channel_id) if predicate(m)), None)

        found = await self.wait_for(find, timeout, f"a matching message in channel {channel_id}")
        assert found is not None
        return found

    async def wait_until_quiet(
        self,
        value: Callable[[], Any],
        quiet: float = 0.3,
        timeout: float = 10.0,
    ) -> Any:
        """Wait until `value()` has not changed for `quiet` seconds (e.g. a message's edit count settles)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last, since = value(), loop.time()
        while loop.time() - since < quiet:
            if loop.time() > deadline:
                raise TimeoutError(f"value kept changing for {timeout:.1f}s")
            try:
                await self.state.changes.wait_for(_differs(value, last), min(quiet, deadline - loop.time()))
            except TimeoutError:
                continue
            last, since = value(), loop.time()
        return last

    async def wait_for_sessions(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` gateway sessions are identified and connected."""
        await self.wait_for(
            lambda: len(self.gateway.connected_sessions()) >= count,
            timeout,
            f"{count} connected gateway sessions",
        )


def _differs(value: Callable[[], Any], previous: Any) -> Callable[[], bool]:
    return lambda: value() != previous
