"""The one pacing of message edits: one edit of a message at a time, each at least the spacing after
the previous one was answered, messages independent of each other, and the latest state drawn."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Hashable

import pytest

from bot.publishing.coalescer import EditCoalescer
from bot.publishing.edit_pacing import EditPacer

SPACING = 0.05
# asyncio may wake a timer up to its clock's resolution early.
SLACK = 0.002


class FakeDiscord:
    """Edits that take a while and reach "Discord" at some moment while they are under way, as over a
    busy network: what counts for Discord's limit is when each arrives."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.arrivals: dict[Hashable, list[float]] = {}
        self.in_progress: set[Hashable] = set()
        self.overlaps = 0

    async def edit(self, key: Hashable) -> None:
        if key in self.in_progress:
            self.overlaps += 1
        self.in_progress.add(key)
        await asyncio.sleep(self.rng.uniform(0, 0.02))  # on its way
        self.arrivals.setdefault(key, []).append(time.monotonic())
        await asyncio.sleep(self.rng.uniform(0, 0.02))  # the answer on its way back
        self.in_progress.discard(key)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


async def test_edits_of_one_message_arrive_at_least_the_spacing_apart_whoever_asks() -> None:
    discord = FakeDiscord(random.Random(7))
    pacer = EditPacer(SPACING)

    async def edit_once() -> None:
        await asyncio.sleep(discord.rng.uniform(0, 0.1))
        async with pacer.turn("meetup 1"):
            await asyncio.sleep(discord.rng.uniform(0, 0.03))  # reading what to show: slow one time, quick the next
            await discord.edit("meetup 1")

    await asyncio.gather(*(edit_once() for _ in range(20)))
    arrivals = discord.arrivals["meetup 1"]
    assert len(arrivals) == 20
    assert discord.overlaps == 0
    assert min(gaps(arrivals)) >= SPACING - SLACK


async def test_different_messages_do_not_wait_for_each_other() -> None:
    pacer = EditPacer(1.0)  # a long spacing: any wait between the two would show
    started = time.monotonic()
    async with pacer.turn("meetup 1"):
        pass
    async with pacer.turn("poll 1"):
        pass
    async with pacer.turn("meetup 2"):
        pass
    assert time.monotonic() - started < 0.1
    begun = time.monotonic()
    async with pacer.turn("meetup 1"):  # the same message again waits its spacing
        waited = time.monotonic() - begun
    assert waited >= 1.0 - SLACK


async def test_a_burst_ends_with_the_latest_state_drawn_in_few_spaced_edits() -> None:
    rng = random.Random(11)
    discord = FakeDiscord(rng)
    state = {"answers": 0}
    drawn: list[int] = []

    async def redraw(key: Hashable) -> int:
        shown = state["answers"]  # read, then edit: the edit shows what was read
        await discord.edit(key)
        drawn.append(shown)
        return shown

    coalescer: EditCoalescer[int] = EditCoalescer(redraw, pacer=EditPacer(SPACING), gather_delay=0.01)

    async def answer() -> None:
        await asyncio.sleep(rng.uniform(0, 0.4))
        state["answers"] += 1
        coalescer.request("meetup 1")

    await asyncio.gather(*(answer() for _ in range(300)))
    await coalescer.flush()
    assert drawn[-1] == 300
    assert len(drawn) < 30  # 300 requests, a handful of edits
    assert discord.overlaps == 0
    assert min(gaps(discord.arrivals["meetup 1"])) >= SPACING - SLACK


async def test_an_organizers_draw_waits_its_turn_and_shows_at_least_what_was_there_when_asked() -> None:
    rng = random.Random(3)
    discord = FakeDiscord(rng)
    state = {"version": 0}

    async def redraw(key: Hashable) -> int:
        shown = state["version"]
        await discord.edit(key)
        return shown

    coalescer: EditCoalescer[int] = EditCoalescer(redraw, pacer=EditPacer(SPACING), gather_delay=0.01)

    async def burst() -> None:
        for _ in range(50):
            state["version"] += 1
            coalescer.request("meetup 1")
            await asyncio.sleep(rng.uniform(0, 0.01))

    async def organizer() -> tuple[int, int]:
        await asyncio.sleep(0.1)
        state["version"] += 1
        asked_at = state["version"]
        return asked_at, await coalescer.draw("meetup 1")

    _, (asked_at, shown) = await asyncio.gather(burst(), organizer())
    await coalescer.flush()
    assert shown >= asked_at
    assert min(gaps(discord.arrivals["meetup 1"])) >= SPACING - SLACK


async def test_a_failed_redraw_is_raised_to_whoever_waits_for_it_and_the_next_one_runs() -> None:
    calls = 0

    async def redraw(key: Hashable) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("Discord had a moment")
        return calls

    coalescer: EditCoalescer[int] = EditCoalescer(redraw, pacer=EditPacer(SPACING), gather_delay=0.0)
    with pytest.raises(RuntimeError, match="Discord had a moment"):
        await coalescer.draw("meetup 1")
    assert await coalescer.draw("meetup 1") == 2


async def test_a_draw_someone_waits_for_does_not_wait_to_gather_a_burst() -> None:
    """A timer redrawing many messages one after another, or an organizer's change, is not held up
    by the moment the coalescer gives a burst to gather."""

    async def redraw(key: Hashable) -> Hashable:
        return key

    coalescer: EditCoalescer[Hashable] = EditCoalescer(redraw, pacer=EditPacer(SPACING), gather_delay=1.0)
    started = time.monotonic()
    for n in range(20):
        assert await coalescer.draw(f"meetup {n}") == f"meetup {n}"
    assert time.monotonic() - started < 0.5
