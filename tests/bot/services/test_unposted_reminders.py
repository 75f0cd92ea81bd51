"""A meetup or poll is committed before its message is posted (and taken back if Discord refuses
the post): until its message is out, none of its reminders is due or can be claimed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Reminder, ReminderKind
from bot.services import reminders
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, discard_unposted, record_message
from bot.services.polls import create_poll, discard_unposted_poll, record_poll_message
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER


async def test_a_meetup_reminder_waits_for_its_message_and_goes_with_the_meetup_if_the_post_is_refused(
    db: Database,
) -> None:
    async with db.transaction() as s:
        meetup = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner", when="2026-11-25 11:00", timezone="UTC", reminders="30m"),
            default_timezone="UTC",
            now=NOW,
        )
    async with db.reading() as s:
        [before] = (
            await s.scalars(
                select(Reminder).where(Reminder.meetup_id == meetup.id, Reminder.kind == ReminderKind.BEFORE)
            )
        ).all()
    due = before.due_at + timedelta(seconds=1)
    async with db.reading() as s:
        assert await reminders.due_reminder_ids(s, now=due) == []
    async with db.transaction() as s:
        assert not await reminders.claim(s, reminder_id=before.id, worker="w", now=due)
    async with db.transaction() as s:
        await record_message(s, meetup_id=meetup.id, message_id=10**17)
    async with db.reading() as s:
        assert before.id in await reminders.due_reminder_ids(s, now=due)
    async with db.transaction() as s:
        assert await reminders.claim(s, reminder_id=before.id, worker="w", now=due)

    async with db.transaction() as s:  # a refused post: the meetup and its reminders go together
        refused = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Lunch", when="2026-11-25 12:00", timezone="UTC"),
            default_timezone="UTC",
            now=NOW,
        )
    async with db.transaction() as s:
        await discard_unposted(s, meetup_id=refused.id)
    async with db.reading() as s:
        assert (await s.scalars(select(Reminder).where(Reminder.meetup_id == refused.id))).all() == []


async def test_a_polls_closing_reminder_waits_for_its_message(db: Database) -> None:
    async with db.transaction() as s:
        poll = await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner", timezone="UTC"),
            options_text="2026-12-05 19:00; 2026-12-06 19:00",
            closes_text="2026-11-27 10:00",
            default_timezone="UTC",
            now=NOW,
        )
    async with db.reading() as s:
        [closing] = (await s.scalars(select(Reminder).where(Reminder.poll_id == poll.id))).all()
    due = closing.due_at + timedelta(seconds=1)
    async with db.reading() as s:
        assert await reminders.due_reminder_ids(s, now=due) == []
    async with db.transaction() as s:
        await record_poll_message(s, poll_id=poll.id, message_id=10**17)
    async with db.reading() as s:
        assert await reminders.due_reminder_ids(s, now=due) == [closing.id]
    async with db.transaction() as s:
        await discard_unposted_poll(s, poll_id=poll.id)  # posted: nothing to discard
    async with db.reading() as s:
        assert await reminders.due_reminder_ids(s, now=due) == [closing.id]
