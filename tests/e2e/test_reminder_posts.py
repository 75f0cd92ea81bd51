"""Reminder posts end to end: one split over several messages under a failing part, and "starting now"."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update

from bot.db.models import Meetup, Reminder, ReminderKind, ReminderState
from bot.rendering.limits import MESSAGE_CONTENT
from bot.services.reminders import MAX_ATTEMPTS
from tests.e2e.harness import BotRunner, Server, build_server, poll_until
from tests.e2e.meetup_steps import click, create_meetup, custom_id, meetup_id_of, public_messages
from tests.e2e.reminder_steps import (
    reminder_posts,
    starts_in,
    stopped_bot_database,
    stored_reminders,
    wait_for_state,
)
from tests.emulator import DiscordEmulator, MessageRecord

CROWD = 150  # more than fit in one message: the reminder's mentions take two posts


@pytest.fixture
def server(emu: DiscordEmulator) -> Server:
    return build_server(emu, member_count=CROWD)


async def everyone_going(emu: DiscordEmulator, server: Server, message: MessageRecord) -> None:
    going = custom_id(message, "Going")
    clicks = [await emu.click_button(server.channel.id, message.id, going, m.id) for m in server.members]
    await asyncio.gather(*(c.wait_final(timeout=20) for c in clicks))
    assert all((c.content or "").startswith("You're going") for c in clicks), {c.content for c in clicks}


def parts_of(emu: DiscordEmulator, server: Server, first: MessageRecord) -> list[MessageRecord]:
    """The reminder's first post and the posts that continue it (replies to it), oldest first."""
    replies = [
        m
        for m in public_messages(emu, server.channel.id)
        if (m.message_reference or {}).get("message_id") in (first.id, str(first.id))
    ]
    return [first, *replies]


@pytest.mark.parametrize("part_made", [False, True], ids=["second part never made", "second part made, answer lost"])
async def test_a_reminder_split_over_two_posts_pings_everyone_once_when_its_second_post_fails(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, part_made: bool
) -> None:
    _, message = await create_meetup(emu, server, title="Welcome dinner", reminders="1h")
    meetup_id = meetup_id_of(message)
    await everyone_going(emu, server, message)
    # Discord's upstream answers the second post of the reminder with a 503 (discord.py does not
    # retry that one itself); the bot's own retry comes 15 seconds later.
    emu.inject_fault(
        "POST",
        "/channels/{channel_id}/messages",
        status=503,
        skip=1,
        channel_id=server.channel.id,
        after_processing=part_made,
    )
    if part_made:
        emu.messages.nonce_window = 0  # long gone by the retry: only the look back can find the part
    await bring_forward(bot_running, meetup_id)

    sent = await wait_for_state(bot_running, meetup_id, ReminderKind.BEFORE, ReminderState.SENT, timeout=40)
    assert sent.attempts == 2  # the first attempt failed on its second post
    [first] = reminder_posts(emu, server, meetup_id)
    parts = parts_of(emu, server, first)
    assert sent.message_id == first.id
    assert len(parts) == 2, [p.content[:40] for p in parts]
    assert all(len(p.content) <= MESSAGE_CONTENT for p in parts)
    pinged = Counter(uid for p in parts for uid in p.pinged_user_ids)
    assert pinged == Counter(m.id for m in server.members), "every Going member is pinged exactly once"
    bot_posts = [m for m in public_messages(emu, server.channel.id) if m.id != message.id]
    assert [m.id for m in bot_posts] == [p.id for p in parts], "nothing else was posted"


async def test_a_meetup_starting_now_gets_one_post_pinging_its_going_members(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    going, also_going, maybe = server.members[:3]
    _, message = await create_meetup(emu, server, title="Coffee", when=starts_in(6), reminders="none")
    meetup_id = meetup_id_of(message)
    await click(emu, server, message, "Going", going)
    await click(emu, server, message, "Going", also_going)
    await click(emu, server, message, "Maybe", maybe)

    starting = await wait_for_state(bot_running, meetup_id, ReminderKind.STARTING, ReminderState.SENT)
    await asyncio.sleep(1)  # a second post would come now, if at all
    [post] = reminder_posts(emu, server, meetup_id)
    assert "**Coffee** is starting now" in post.content
    assert "Late:" not in post.content and not starting.late
    assert sorted(post.pinged_user_ids) == sorted([going.id, also_going.id])
    assert starting.message_id == post.id
    lateness = (post.created_at - starting.due_at).total_seconds()
    assert 0 <= lateness < 1, f"posted {lateness:.2f}s after the start"


async def test_a_bot_down_across_the_start_posts_no_starting_now_and_records_it_skipped(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Coffee", when=starts_in(30), reminders="none")
    meetup_id = meetup_id_of(message)
    await click(emu, server, message, "Going", server.member)
    await bot_running.stop()
    now = datetime.now(UTC)
    async with stopped_bot_database(bot_running) as session:
        # As if the bot had been down across the start, which was five minutes ago.
        started = now - timedelta(minutes=5)
        await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(starts_at=started))
        await session.execute(
            update(Reminder)
            .where(Reminder.meetup_id == meetup_id, Reminder.kind == ReminderKind.STARTING)
            .values(due_at=started, not_before=started)
        )
    await bot_running.start()
    skipped = await wait_for_state(bot_running, meetup_id, ReminderKind.STARTING, ReminderState.SKIPPED)
    assert skipped.reason == "the meetup had already started"
    await asyncio.sleep(1)  # a wrong post, if any, would come now
    assert reminder_posts(emu, server, meetup_id) == []
    assert {r.state for r in await stored_reminders(bot_running, meetup_id)} == {ReminderState.SKIPPED}


def reminders_counted(outcome: str) -> float:
    """The bot's Prometheus count of reminders with this outcome (it runs in this process)."""
    return REGISTRY.get_sample_value("meetup_bot_reminders_total", {"outcome": outcome}) or 0.0


async def bring_forward(runner: BotRunner, meetup_id: int, **values: object) -> None:
    """The meetup's hour-before reminder due in a second (rather than in an hour)."""
    assert runner.bot is not None
    async with runner.bot.db.transaction() as session:
        soon = datetime.now(UTC) + timedelta(seconds=1)
        await session.execute(
            update(Reminder)
            .where(Reminder.meetup_id == meetup_id, Reminder.kind == ReminderKind.BEFORE)
            .values(due_at=soon, not_before=soon, **values)
        )
    await runner.bot.runtime.reminder_timers.sync()


async def test_a_failed_last_attempt_and_an_unexpected_error_are_counted_as_failed(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = bot_running.bot
    assert bot is not None
    _, last_try = await create_meetup(emu, server, title="Last try", reminders="1h")
    _, broken = await create_meetup(emu, server, title="Broken", reminders="1h")
    failed, retried = reminders_counted("failed"), reminders_counted("retried")

    # A temporary error on the last attempt leaves the reminder failed: not "retried".
    emu.inject_fault("POST", "/channels/{channel_id}/messages", status=503, channel_id=server.channel.id)
    await bring_forward(bot_running, meetup_id_of(last_try), attempts=MAX_ATTEMPTS - 1)
    row = await wait_for_state(bot_running, meetup_id_of(last_try), ReminderKind.BEFORE, ReminderState.FAILED)
    assert row.attempts == MAX_ATTEMPTS and row.reason is not None and "503" in row.reason
    assert (reminders_counted("failed"), reminders_counted("retried")) == (failed + 1, retried)

    # An error that is not Discord's (here a bug in posting) counts as a failed attempt too; the
    # claim stays for its lease to run out.
    async def crash(reminder_id: int, *, now: datetime) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bot.runtime.reminder_timers.sender, "deliver", crash)
    await bring_forward(bot_running, meetup_id_of(broken))
    await wait_for_state(bot_running, meetup_id_of(broken), ReminderKind.BEFORE, ReminderState.SENDING)
    await poll_until(lambda: reminders_counted("failed") == failed + 2, what="the crash to be counted")
    assert reminder_posts(emu, server) == []
