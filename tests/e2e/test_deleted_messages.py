"""A meetup or poll message that is gone from Discord is never linked to or edited again."""

from __future__ import annotations

import re

from bot.db.models import Poll
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import create_meetup, meetup_id_of, stored_meetup
from tests.e2e.test_polls import day
from tests.emulator import DiscordEmulator


async def test_a_meetup_whose_message_is_gone_is_listed_without_a_dead_link(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, kept = await create_meetup(emu, server, title="Still here")
    _, deleted = await create_meetup(emu, server, title="Deleted by a moderator")
    deleted_id = meetup_id_of(deleted)
    emu.delete_message(server.channel.id, deleted.id)
    # Whether the delete event or the edit tells the bot first, the organizer hears it is gone.
    edited = await run_command(emu, server, server.organizer, "meetup edit", meetup=deleted_id, where="Room 2")
    assert "was deleted" in (edited.content or "")
    assert (await stored_meetup(bot_running, deleted_id)).message_missing

    listed = await run_command(emu, server, server.organizer, "meetup list")
    text = listed.content or ""
    assert "Deleted by a moderator" in text  # the meetup still exists ...
    assert str(deleted.id) not in text  # ... but its dead message is not linked
    assert str(kept.id) in text


async def test_polls_in_a_deleted_channel_are_marked(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
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
    poll_id = int(found.group(1))

    async def marked() -> bool:
        assert bot_running.bot is not None
        async with bot_running.bot.db.reading() as session:
            poll = await session.get(Poll, poll_id)
        assert poll is not None
        return poll.message_missing

    assert not await marked()
    emu.delete_channel(side.id)
    await poll_until(marked, timeout=5, what="the poll in the deleted channel to be marked")
