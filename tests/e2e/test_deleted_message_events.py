"""A meetup or poll message deleted by a moderator is marked at once, from Discord's delete event:
no dead link in the list, no edit of it ever again, and messages of no meetup change nothing."""

from __future__ import annotations

import re

from bot.db.models import Poll
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import create_meetup, meetup_id_of, stored_meetup
from tests.e2e.test_polls import day
from tests.emulator import DiscordEmulator


async def test_a_deleted_meetup_message_is_unlinked_at_once(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, kept = await create_meetup(emu, server, title="Still here")
    _, deleted = await create_meetup(emu, server, title="Deleted by a moderator")
    deleted_id = meetup_id_of(deleted)
    chatter = await emu.send_message(server.channel.id, server.member.id, "see you there")

    emu.delete_message(server.channel.id, chatter.id)
    emu.delete_message(server.channel.id, deleted.id)

    async def marked() -> bool:
        return (await stored_meetup(bot_running, deleted_id)).message_missing

    await poll_until(marked, timeout=5, what="the meetup whose message was deleted to be marked")
    assert not (await stored_meetup(bot_running, meetup_id_of(kept))).message_missing
    calls_before = len(emu.calls)
    listed = await run_command(emu, server, server.organizer, "meetup list")
    text = listed.content or ""
    assert "Deleted by a moderator" in text and str(deleted.id) not in text  # listed, without a dead link
    assert str(kept.id) in text
    await run_command(emu, server, server.organizer, "meetup edit", meetup=deleted_id, where="Room 2")
    assert (await stored_meetup(bot_running, deleted_id)).location == "Room 2"  # the meetup still works
    await emu.wait_until_quiet(lambda: len(emu.calls), quiet=0.5)
    assert not [c for c in emu.calls[calls_before:] if c.path.endswith(f"/messages/{deleted.id}")]  # not edited


async def test_a_deleted_poll_message_is_marked_at_once(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    made = await run_command(
        emu, server, server.organizer, "meetup poll", title="Lunch", options=f"{day(5, 12)}; {day(6, 12)}"
    )
    found = re.match(r"Poll #(\d+)", made.content or "")
    assert found, made.content
    poll_id = int(found.group(1))
    poll_message = next(m for m in emu.channel_messages(server.channel.id) if not m.ephemeral and m.components)

    emu.delete_message(server.channel.id, poll_message.id)

    async def marked() -> bool:
        assert bot_running.bot is not None
        async with bot_running.bot.db.reading() as session:
            poll = await session.get(Poll, poll_id)
        assert poll is not None
        return poll.message_missing

    await poll_until(marked, timeout=5, what="the poll whose message was deleted to be marked")
