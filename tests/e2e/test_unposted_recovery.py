"""A bot killed between committing a meetup or poll and posting it: the next start finishes it."""

from __future__ import annotations

from datetime import timedelta

import discord
from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import Meetup, Poll, Reminder, ReminderState
from bot.rendering.components import REACTION_ANSWERS
from bot.services.announcements import Announcement, keep_announcement
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup as store_meetup
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.services.polls import create_poll
from bot.workflows.recover_unposted import IN_FLIGHT_GRACE
from tests.e2e.harness import BotRunner, Server, poll_until
from tests.e2e.meetup_steps import create_meetup, future, meetup_id_of
from tests.e2e.reminder_steps import stopped_bot_database
from tests.e2e.series_steps import meetup_messages
from tests.emulator import DiscordEmulator

LONG_AGO = IN_FLIGHT_GRACE + timedelta(minutes=1)


async def committed_not_posted(
    database_url: str, server: Server, *, when: str, title: str, ping: Announcement | None = None
) -> int:
    """A meetup as `/meetup create` commits it, by a process that died before posting it."""
    database = Database.from_url(database_url)
    now = discord.utils.utcnow()
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            meetup = await store_meetup(
                session,
                guild_id=server.guild.id,
                channel_id=server.channel.id,
                actor=Actor(server.organizer.id, MANAGE_EVENTS),
                typed=MeetupInput(title=title, when=when, reminders="1h"),
                default_timezone="UTC",
                now=now - LONG_AGO,
            )
            meetup.created_at = now - LONG_AGO
            keep_announcement(meetup, ping)
            return meetup.id
    finally:
        await database.dispose()


async def stored_meetup(runner: BotRunner, meetup_id: int) -> Meetup | None:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return await session.get(Meetup, meetup_id)


async def test_a_meetup_committed_but_never_posted_is_posted_once_at_the_next_start(
    emu: DiscordEmulator, server: Server, database_url: str
) -> None:
    meetup_id = await committed_not_posted(database_url, server, when=future(days=3), title="Lost dinner")
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        await poll_until(
            lambda: any(meetup_id_of(m) == meetup_id for m in meetup_messages(emu, server)),
            what="the meetup message",
            timeout=30,
        )
        [message] = meetup_messages(emu, server)
        assert message.embeds[0]["title"].startswith("Lost dinner")
        # The answer reactions are added as on any meetup.
        await poll_until(lambda: len(message.reactions) == len(REACTION_ANSWERS), what="the answer reactions")
        stored = await stored_meetup(runner, meetup_id)
        assert stored is not None and stored.message_id == message.id
        assert runner.bot is not None
        async with runner.bot.db.reading() as session:
            reminders = (await session.scalars(select(Reminder).where(Reminder.meetup_id == meetup_id))).all()
        assert reminders and all(r.state is ReminderState.PENDING for r in reminders)
        await runner.restart()
        assert len(meetup_messages(emu, server)) == 1  # a second start finds it posted
    finally:
        await runner.stop()


async def test_a_meetup_never_posted_whose_start_passed_is_removed_not_posted(
    emu: DiscordEmulator, server: Server, database_url: str
) -> None:
    meetup_id = await committed_not_posted(database_url, server, when=future(days=3), title="Too late")
    database = Database.from_url(database_url)
    try:
        async with database.transaction() as session:
            past = discord.utils.utcnow() - timedelta(minutes=5)
            await session.execute(
                update(Meetup).where(Meetup.id == meetup_id).values(starts_at=past, ends_at=past + timedelta(hours=1))
            )
    finally:
        await database.dispose()
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        await poll_until(lambda: _gone(runner, meetup_id), what="the meetup to be removed", timeout=30)
        assert meetup_messages(emu, server) == []
    finally:
        await runner.stop()


async def _gone(runner: BotRunner, meetup_id: int) -> bool:
    return await stored_meetup(runner, meetup_id) is None


async def test_a_meetup_posted_whose_message_was_not_recorded_is_adopted_not_posted_again(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Posted once")
    meetup_id = meetup_id_of(message)
    await bot_running.stop()
    async with stopped_bot_database(bot_running) as session:  # the record of the post was lost
        old = discord.utils.utcnow() - LONG_AGO
        await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(message_id=None, created_at=old))
    await bot_running.start()
    await poll_until(lambda: _recorded(bot_running, meetup_id, message.id), what="the message adopted", timeout=30)
    assert [m.id for m in meetup_messages(emu, server)] == [message.id]


async def _recorded(runner: BotRunner, meetup_id: int, message_id: int) -> bool:
    stored = await stored_meetup(runner, meetup_id)
    return stored is not None and stored.message_id == message_id


async def test_a_poll_committed_but_never_posted_is_posted_at_the_next_start(
    emu: DiscordEmulator, server: Server, database_url: str
) -> None:
    database = Database.from_url(database_url)
    now = discord.utils.utcnow()
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            poll = await create_poll(
                session,
                guild_id=server.guild.id,
                channel_id=server.channel.id,
                actor=Actor(server.organizer.id, MANAGE_EVENTS),
                typed=MeetupInput(title="Lost poll"),
                options_text=f"{future(days=4)}; {future(days=5)}",
                closes_text=None,
                default_timezone="UTC",
                now=now,
            )
            poll.created_at = now - LONG_AGO
            poll_id = poll.id
    finally:
        await database.dispose()
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:

        async def posted() -> bool:
            assert runner.bot is not None
            async with runner.bot.db.reading() as session:
                stored = await session.get(Poll, poll_id)
            return stored is not None and stored.message_id is not None

        await poll_until(posted, what="the poll posted", timeout=30)
        titles = [m.embeds[0].get("title", "") for m in emu.channel_messages(server.channel.id) if m.embeds]
        assert sum("Lost poll" in t for t in titles) == 1, titles
    finally:
        await runner.stop()


async def test_a_meetup_finished_by_the_sweep_tells_the_role_its_command_asked_to_ping(
    emu: DiscordEmulator, server: Server, database_url: str
) -> None:
    crew = emu.create_role(server.guild.id, "Seoul crew", mentionable=True)
    meetup_id = await committed_not_posted(
        database_url, server, when=future(days=3), title="Lost dinner", ping=Announcement(role_id=crew.id)
    )
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        await poll_until(
            lambda: any(meetup_id_of(m) == meetup_id for m in meetup_messages(emu, server)),
            what="the meetup message",
            timeout=30,
        )
        [message] = meetup_messages(emu, server)
        assert message.content == f"📣 <@&{crew.id}>"
        assert message.notified is not None and message.notified.role_ids == [crew.id]
    finally:
        await runner.stop()
