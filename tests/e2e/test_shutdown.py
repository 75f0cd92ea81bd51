"""SIGTERM in the middle of a burst: the bot finishes what it took on, refuses the rest, loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Reminder, ReminderKind, ReminderState, Rsvp, RsvpStatus
from tests.e2e.bot_process import BotProcess
from tests.e2e.harness import build_server, run_command
from tests.e2e.meetup_steps import custom_id, meetup_id_of, public_messages
from tests.e2e.reminder_steps import reminder_posts, starts_in
from tests.emulator import DiscordEmulator, InteractionHandle

pytestmark = pytest.mark.slow

RESTARTING = "The bot is restarting; try again in a few seconds."


async def stored(database_url: str, meetup_id: int) -> tuple[dict[int, RsvpStatus], list[Reminder]]:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            rsvps = {
                r.user_id: r.status for r in await session.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id))
            }
            rows = await session.scalars(select(Reminder).where(Reminder.meetup_id == meetup_id))
            return rsvps, list(rows.all())
    finally:
        await database.dispose()


async def test_sigterm_during_a_burst_loses_no_answer_and_no_reminder(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    server = build_server(emu, member_count=80)
    bot = await BotProcess(emu, database_url, tmp_path).start()
    try:
        created = await run_command(
            emu,
            server,
            server.organizer,
            "meetup create",
            title="Burst",
            when=starts_in(70),  # its reminder is due once the burst is under way
            capacity=10,
            reminders="1m",
        )
        assert (created.content or "").startswith("Meetup #"), created.content
        message = next(m for m in public_messages(emu, server.channel.id) if m.embeds)
        meetup_id = meetup_id_of(message)
        going = custom_id(message, "Going")

        clicks: list[tuple[int, InteractionHandle]] = []

        async def clicking(member_index: int) -> None:
            user = server.members[member_index]
            clicks.append((user.id, await emu.click_button(server.channel.id, message.id, going, user.id)))

        # The reminder's post gets no answer for 20 seconds: it is in progress when the signal comes.
        emu.inject_fault(
            "POST", "/channels/{channel_id}/messages", status=500, hold_seconds=20, channel_id=server.channel.id
        )
        for index in range(40):  # the first half of the burst
            await clicking(index)
        # The signal comes once the bot has taken on part of the burst, and claimed the reminder.
        await emu.wait_for(lambda: sum(h.acknowledged for _, h in clicks) >= 20, timeout=10, what="20 answers")
        await emu.wait_for(lambda: emu.faults.faults[0].fired, timeout=20, what="the reminder's post")
        _, reminders = await stored(database_url, meetup_id)
        claimed = next(r for r in reminders if r.kind == ReminderKind.BEFORE)
        assert (claimed.state, claimed.attempts) == (ReminderState.SENDING, 1)
        assert bot.process is not None
        bot.process.send_signal(signal.SIGTERM)
        for index in range(40, 80):  # the rest arrives while the bot shuts down
            await clicking(index)
            await asyncio.sleep(0.01)
        await asyncio.wait_for(bot.process.wait(), timeout=30)
        assert bot.process.returncode == 0, bot.output()
    finally:
        await bot.stop()

    answers: dict[int, str] = {}
    for user_id, handle in clicks:
        with contextlib.suppress(TimeoutError):  # a click after the gateway closed is never answered
            await handle.wait_final(timeout=0.5)
        answers[user_id] = handle.content or ""
    rsvps, _ = await stored(database_url, meetup_id)
    confirmed = {u for u, text in answers.items() if text.startswith(("You're going", "The meetup is full"))}
    refused = {u for u, text in answers.items() if text == RESTARTING}
    assert len(confirmed) >= 20, sorted(set(answers.values()))
    assert confirmed == set(rsvps), "every confirmed answer is stored, and nothing else"
    assert not refused & set(rsvps)
    assert list(rsvps.values()).count(RsvpStatus.GOING) == 10
    # The coalesced edit was sent before the process left: the message shows what is stored.
    shown = next(m for m in emu.channel_messages(server.channel.id) if m.id == message.id)
    fields = {f["name"].split(" (")[0]: f["name"] for f in shown.embeds[0]["fields"]}
    assert fields["Going"] == "Going (10 / 10)"
    assert fields["Waitlist"] == f"Waitlist ({len(rsvps) - 10})"

    # The reminder's post was still waiting on Discord: the bot gave up on it and handed the claim
    # back, so a restart need not wait for the lease.
    _, reminders = await stored(database_url, meetup_id)
    released = next(r for r in reminders if r.kind == ReminderKind.BEFORE)
    assert (released.state, released.claimed_by, released.lease_until) == (ReminderState.PENDING, None, None)
    assert reminder_posts(emu, server, meetup_id) == []

    # After the restart it is posted exactly once, as a retry that looked for an earlier post first.
    again = await BotProcess(emu, database_url, tmp_path).start()
    try:
        for _ in range(300):
            _, reminders = await stored(database_url, meetup_id)
            before = next(r for r in reminders if r.kind == ReminderKind.BEFORE)
            if before.state == ReminderState.SENT:
                break
            await asyncio.sleep(0.1)
    finally:
        await again.stop()
    assert (before.state, before.attempts) == (ReminderState.SENT, 2)
    [post] = reminder_posts(emu, server, meetup_id)
    assert before.message_id == post.id
