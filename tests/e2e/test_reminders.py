"""Reminders, end to end: the real bot posts them through the emulator, on time, to the right people."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.db.models import Meetup, Reminder, ReminderKind, ReminderState
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup, meetup_id_of, public_messages
from tests.e2e.reminder_steps import (
    reminder_posts,
    starts_in,
    stopped_bot_database,
    stored_reminders,
    wait_for_state,
)
from tests.emulator import DiscordEmulator, MessageRecord, Permission

PENDING = ReminderState.PENDING


async def test_reminders_are_on_time_and_ping_exactly_who_they_should(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    going, maybe, declined, by_dm, closed_dms = server.members[:5]
    await run_command(emu, server, server.organizer, "settings reminders", offsets="1m", nudge="1m")
    for member in (by_dm, closed_dms):
        await run_command(emu, server, member, "meetup notify", dm="on")
    emu.set_accepts_dms(closed_dms.id, False)
    _, plain = await create_meetup(emu, server, title="Going only", when=starts_in(64))
    _, with_maybe = await create_meetup(emu, server, title="Maybe too", when=starts_in(64), remind_maybe=True)
    for message in (plain, with_maybe):
        await click(emu, server, message, "Going", going)
        await click(emu, server, message, "Maybe", maybe)
        await click(emu, server, message, "Can't go", declined)
    for member in (by_dm, closed_dms):
        await click(emu, server, plain, "Going", member)
    plain_id, maybe_id = meetup_id_of(plain), meetup_id_of(with_maybe)

    await poll_until(lambda: len(reminder_posts(emu, server)) == 4, what="two reminders and two nudges", timeout=20)
    posts = {(meetup_id_of(p), "Maybe:" in p.content): p for p in reminder_posts(emu, server)}
    # Going members (and whoever could not be reached by DM) are pinged; Maybe only where asked.
    assert sorted(posts[plain_id, False].pinged_user_ids) == sorted([going.id, closed_dms.id])
    assert sorted(posts[maybe_id, False].pinged_user_ids) == sorted([going.id, maybe.id])
    for post in (posts[plain_id, False], posts[maybe_id, False]):
        assert "Reminder: **" in post.content
        assert not post.mention_everyone
    # The member who asked for DMs got one instead of a ping; nobody else got a DM.
    dms = emu.dm_messages(by_dm.id)
    assert len(dms) == 1
    assert "Going only" in dms[0].embeds[0]["title"]
    # A DM has no server around it: it names the server and the channel.
    assert "In **Conference meetups**, #meetups." in dms[0].content
    # Footers show the meetup's number and what the post is, never the reminder's own number.
    assert dms[0].embeds[0]["footer"]["text"] == f"Meetup #{plain_id} · reminder"
    assert posts[plain_id, True].embeds[0]["footer"]["text"] == f"Meetup #{plain_id} · for those who said Maybe"
    assert emu.dm_messages(going.id) == []
    # The nudge pings only Maybe members and carries the buttons to decide.
    nudge = posts[plain_id, True]
    assert nudge.pinged_user_ids == [maybe.id]
    assert {b["label"] for row in nudge.components for b in row["components"]} >= {"Going", "Maybe", "Can't go"}
    decided = await click(emu, server, nudge, "Going", maybe)
    assert "going" in decided.content.lower()

    for meetup_id in (plain_id, maybe_id):
        # The post shows in the channel a moment before the bot records it as sent.
        await wait_for_state(bot_running, meetup_id, ReminderKind.BEFORE, ReminderState.SENT)
        rows = {r.kind: r for r in await stored_reminders(bot_running, meetup_id)}
        before = rows[ReminderKind.BEFORE]
        post = next(p for p in reminder_posts(emu, server, meetup_id) if p.id == before.message_id)
        assert (before.state, before.message_id, before.late) == (ReminderState.SENT, post.id, False)
        lateness = (post.created_at - before.due_at).total_seconds()
        assert 0 <= lateness < 1, f"posted {lateness:.2f}s after its time"
        assert rows[ReminderKind.STARTING].state == ReminderState.PENDING

    listing = await run_command(emu, server, server.organizer, "meetup reminders", meetup=plain_id)
    assert "✅ posted" in listing.content and "⏳ pending" in listing.content
    refused = await run_command(emu, server, going, "meetup reminders", meetup=plain_id)
    assert "Manage Events" in refused.content


async def test_a_429_then_a_502_on_the_post_leaves_exactly_one_reminder(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, when=starts_in(63), reminders="1m")
    await click(emu, server, message, "Going", server.member)
    route = "/channels/{channel_id}/messages"
    emu.inject_fault("POST", route, status=429, retry_after=0.5)
    emu.inject_fault("POST", route, status=502, after_processing=True)  # posted, but the answer is lost
    await poll_until(lambda: all(f.fired for f in emu.faults.faults), what="both faults", timeout=20)
    meetup_id = meetup_id_of(message)
    rows = await wait_for_state(bot_running, meetup_id, ReminderKind.BEFORE, ReminderState.SENT)
    posts = reminder_posts(emu, server, meetup_id)
    assert len(posts) == 1
    assert rows.message_id == posts[0].id
    assert posts[0].pinged_user_ids == [server.member.id]


async def test_edit_moves_the_timers_and_cancel_removes_them(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    bot = bot_running.bot
    assert bot is not None
    _, message = await create_meetup(emu, server, when=starts_in(300), reminders="4m")
    meetup_id = meetup_id_of(message)

    def timers() -> set[str]:
        return {job.id for job in bot.scheduler.get_jobs() if job.id.startswith("reminder:")}

    first = {f"reminder:{r.id}" for r in await stored_reminders(bot_running, meetup_id) if r.state == PENDING}
    await poll_until(lambda: first <= timers(), what="timers for the new meetup's reminders")
    await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, when=starts_in(420))
    moved = await stored_reminders(bot_running, meetup_id)
    replanned = {f"reminder:{r.id}" for r in moved if r.state == PENDING}
    assert len(replanned) == 2  # 4 minutes before, and at the start
    assert not replanned & first
    await poll_until(lambda: replanned <= timers() and not first & timers(), what="timers moved with the meetup")
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id)
    await poll_until(lambda: not replanned & timers(), what="timers removed with the cancelled meetup")
    assert {r.state for r in await stored_reminders(bot_running, meetup_id)} == {ReminderState.SKIPPED}


async def test_reminders_missed_while_the_bot_was_down(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    """Down across the due time: posted once at start, marked late; if the meetup already started: skipped."""
    _, later = await create_meetup(emu, server, title="Still ahead", reminders="1h")
    _, started = await create_meetup(emu, server, title="Already started", reminders="1h")
    await click(emu, server, later, "Going", server.member)
    later_id, started_id = meetup_id_of(later), meetup_id_of(started)
    await bot_running.stop()
    now = datetime.now(UTC)
    async with stopped_bot_database(bot_running) as session:
        # As if the bot had been down for the last two hours, across both reminders' time.
        await session.execute(
            update(Reminder)
            .where(Reminder.meetup_id.in_((later_id, started_id)), Reminder.kind == ReminderKind.BEFORE)
            .values(due_at=now - timedelta(hours=2), not_before=now - timedelta(hours=2))
        )
        await session.execute(
            update(Meetup).where(Meetup.id == started_id).values(starts_at=now - timedelta(minutes=5))
        )
    await bot_running.start()
    late = await wait_for_state(bot_running, later_id, ReminderKind.BEFORE, ReminderState.SENT)
    skipped = await wait_for_state(bot_running, started_id, ReminderKind.BEFORE, ReminderState.SKIPPED)
    posts = reminder_posts(emu, server, later_id)
    assert len(posts) == 1 and late.late and late.message_id == posts[0].id
    assert "Late:" in posts[0].content
    assert skipped.reason == "the meetup had already started"
    assert reminder_posts(emu, server, started_id) == []


async def test_a_poll_gets_a_reminder_an_hour_before_it_closes(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    bot = bot_running.bot
    assert bot is not None
    options = "; ".join(f"{datetime.now(UTC) + timedelta(days=d):%Y-%m-%d} 19:00" for d in (5, 6))
    await run_command(emu, server, server.organizer, "meetup poll", title="Dinner", options=options, closes="in 3h")
    await run_command(emu, server, server.organizer, "meetup poll", title="Lunch", options=options, closes="in 3h")
    async with bot.db.reading() as session:
        rows = list((await session.scalars(select(Reminder).order_by(Reminder.id))).all())
    assert [(r.kind, r.state) for r in rows] == [(ReminderKind.POLL_CLOSING, ReminderState.PENDING)] * 2
    dinner, lunch = rows
    hour_before = dinner.due_at
    assert abs((hour_before - (datetime.now(UTC) + timedelta(hours=2))).total_seconds()) < 60
    await run_command(emu, server, server.organizer, "meetup poll-close", poll=lunch.poll_id)
    # Bring both reminders' time to now (rather than wait two hours); the closed poll's stays quiet.
    async with bot.db.transaction() as session:
        soon = datetime.now(UTC) + timedelta(seconds=1)
        await session.execute(update(Reminder).values(due_at=soon, not_before=soon))
    await bot.runtime.reminder_timers.sync()
    await poll_until(lambda: reminder_posts_about_polls(emu, server), what="the poll's closing reminder")
    await asyncio.sleep(1.5)
    [post] = reminder_posts_about_polls(emu, server)
    assert "The poll **Dinner** closes" in post.content
    assert post.pinged_user_ids == []
    async with bot.db.reading() as session:
        states = {r.poll_id: r.state for r in (await session.scalars(select(Reminder))).all()}
    assert states == {dinner.poll_id: ReminderState.SENT, lunch.poll_id: ReminderState.SKIPPED}


def reminder_posts_about_polls(emu: DiscordEmulator, server: Server) -> list[MessageRecord]:
    return [
        m
        for m in public_messages(emu, server.channel.id)
        if m.embeds
        and (m.embeds[0].get("footer") or {}).get("text", "").startswith("Poll #")
        and m.embeds[0]["footer"]["text"].endswith(" · closing soon")
    ]


async def test_a_reminder_discord_refuses_is_recorded_as_failed_with_the_reason(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, when=starts_in(62), reminders="1m")
    meetup_id = meetup_id_of(message)
    # The server takes away the bot's right to post in the channel after the meetup was posted.
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1)
    failed = await wait_for_state(bot_running, meetup_id, ReminderKind.BEFORE, ReminderState.FAILED)
    assert failed.attempts == 1  # a missing permission does not mend itself by retrying
    assert failed.reason is not None and "403" in failed.reason
    assert reminder_posts(emu, server, meetup_id) == []
    listing = await run_command(emu, server, server.organizer, "meetup reminders", meetup=meetup_id)
    assert "⚠️ failed after 1 attempt: Discord answered 403" in listing.content
