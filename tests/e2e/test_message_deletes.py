"""A meetup or poll message deleted in Discord is known at once: no command links to it any more."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from bot.db.models import Poll
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import create_meetup, meetup_id_of, stored_meetup
from tests.e2e.test_polls import day, make_poll, poll_message
from tests.emulator import DiscordEmulator


async def eventually(condition: Callable[[], Awaitable[bool]], *, what: str, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def stored_poll(runner: BotRunner, poll_id: int) -> Poll:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None
    return poll


async def test_a_deleted_meetup_message_is_marked_at_once_and_no_longer_linked(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, kept = await create_meetup(emu, server, title="Still here")
    _, deleted = await create_meetup(emu, server, title="Deleted by a moderator")
    deleted_id = meetup_id_of(deleted)
    edits_before = emu.message(deleted.id).edit_count

    emu.delete_message(server.channel.id, deleted.id)

    async def marked() -> bool:
        return (await stored_meetup(bot_running, deleted_id)).message_missing

    await eventually(marked, what="the deleted meetup message to be marked")
    assert emu.message(deleted.id).edit_count == edits_before  # known without trying to edit it

    listed = await run_command(emu, server, server.organizer, "meetup list")
    text = listed.content or ""
    assert "Deleted by a moderator" in text  # the meetup still exists ...
    assert str(deleted.id) not in text  # ... but its dead message is not linked
    assert str(kept.id) in text
    assert not (await stored_meetup(bot_running, meetup_id_of(kept))).message_missing


async def test_a_deleted_poll_message_or_its_channel_is_marked(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server, title="Dinner")
    emu.delete_message(server.channel.id, poll_message(emu, server).id)

    async def poll_marked(poll: int) -> bool:
        return (await stored_poll(bot_running, poll)).message_missing

    await eventually(lambda: poll_marked(poll_id), what="the deleted poll message to be marked")

    side = emu.create_text_channel(server.guild.id, "side-room")
    made = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Lunch",
        options=f"{day(5, 12)}; {day(6, 12)}",
        channel=side.id,
    )
    found = re.match(r"Poll #(\d+)", made.content or "")
    assert found, made.content
    second = int(found.group(1))
    assert not await poll_marked(second)
    emu.delete_channel(side.id)
    await eventually(lambda: poll_marked(second), what="the poll in the deleted channel to be marked")
