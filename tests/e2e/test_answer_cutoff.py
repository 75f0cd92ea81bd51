"""The answer cut-off through Discord: set by the organizer, shown on the message, refusing
clicks and reactions privately once passed, holding the waitlist, and opened again by the
organizer; also when it passes while the bot is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.db.models import Meetup, RsvpStatus
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import (
    click,
    create_meetup,
    fields_of,
    future,
    meetup_id_of,
    public_messages,
    stored_meetup,
    stored_rsvps,
)
from tests.e2e.reminder_steps import stopped_bot_database
from tests.emulator import DiscordEmulator, MessageRecord

WAIT = 60.0  # the CI machine is slow: conditions are waited for, never timed


def description_of(emu: DiscordEmulator, message: MessageRecord) -> str:
    return str(emu.message(message.id).embeds[0].get("description") or "")


async def close_answers_in(runner: BotRunner, meetup_id: int, delay: timedelta) -> datetime:
    """Move the cut-off to `delay` from now, as the clock would, and let the timer see it."""
    assert runner.bot is not None
    moment = datetime.now(UTC).replace(microsecond=0) + delay
    async with runner.bot.db.transaction() as session:
        await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(answers_close_at=moment))
    await runner.bot.runtime.answer_cutoffs.sweep()
    return moment


async def test_answers_close_at_the_cut_off_and_the_organizer_can_open_them_again(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, capacity=1, answers_close="1d")
    meetup_id = meetup_id_of(message)
    meetup = await stored_meetup(bot_running, meetup_id)
    assert meetup.answers_close_at == meetup.starts_at - timedelta(days=1)
    assert fields_of(message)["Answers close"].startswith(f"<t:{int(meetup.answers_close_at.timestamp())}:F>")
    alice, bob, carol = server.members[:3]
    assert (await click(emu, server, message, "Going", alice)).content == "You're going: seat 1 of 1."
    await click(emu, server, message, "Going", bob)  # waitlisted

    closes = await close_answers_in(bot_running, meetup_id, timedelta(seconds=2))
    # The timer redraws the message at the cut-off.
    await emu.wait_for(
        lambda: "Answers closed at" in description_of(emu, message), timeout=WAIT, what="the message to say so"
    )
    assert "Answers close" not in fields_of(emu.message(message.id))
    refused = await click(emu, server, message, "Going", carol)
    assert refused.ephemeral
    assert refused.content is not None
    assert refused.content.startswith(f"Answers closed at <t:{int(closes.timestamp())}:F>")
    withdrawn = await click(emu, server, message, "Going", alice)  # a member who would free their seat
    assert withdrawn.content is not None and withdrawn.content.startswith("Answers closed at")
    await emu.add_reaction(server.channel.id, message.id, "🤔", carol.id)
    # More seats after the cut-off move nobody from the waitlist.
    more = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, capacity=3)
    assert more.content is not None and "updated" in more.content
    statuses = {r.user_id: r.status for r in await stored_rsvps(bot_running, meetup_id)}
    assert statuses == {alice.id: RsvpStatus.GOING, bob.id: RsvpStatus.WAITLISTED}

    opened = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, answers_close="none")
    assert opened.content is not None and "answer cut-off" in opened.content
    await emu.wait_for(
        lambda: "A seat opened up" in " ".join(m.content for m in public_messages(emu, server.channel.id)),
        timeout=WAIT,
        what="the promotion notice",
    )
    statuses = {r.user_id: r.status for r in await stored_rsvps(bot_running, meetup_id)}
    assert statuses == {alice.id: RsvpStatus.GOING, bob.id: RsvpStatus.GOING}
    assert (await click(emu, server, message, "Maybe", carol)).content == "You answered Maybe."
    await emu.wait_for(
        lambda: "Answers closed" not in description_of(emu, message), timeout=WAIT, what="the message to reopen"
    )


async def test_a_cut_off_after_the_start_or_in_the_past_is_refused_and_nothing_is_posted(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    when = future(days=10, hour=19)
    after = future(days=10, hour=21)
    before = len(public_messages(emu, server.channel.id))
    late = await run_command(
        emu, server, server.organizer, "meetup create", title="Late", when=when, answers_close=after
    )
    assert late.ephemeral and late.content is not None
    assert "after the start" in late.content
    past = await run_command(
        emu, server, server.organizer, "meetup create", title="Past", when=when, answers_close="2020-01-01 10:00"
    )
    assert past.content is not None and "in the past" in past.content
    assert len(public_messages(emu, server.channel.id)) == before


async def test_a_cut_off_that_passes_while_the_bot_is_down_is_shown_and_held_after_the_restart(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, answers_close="2h")
    meetup_id = meetup_id_of(message)
    alice, bob = server.members[:2]
    await click(emu, server, message, "Going", alice)
    await bot_running.stop()
    closed_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    async with stopped_bot_database(bot_running) as session:
        await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(answers_close_at=closed_at))
    await bot_running.start()
    await emu.wait_for(
        lambda: "Answers closed at" in description_of(emu, message), timeout=WAIT, what="the message to say so"
    )
    refused = await click(emu, server, message, "Going", bob)
    assert refused.content is not None and refused.content.startswith(
        f"Answers closed at <t:{int(closed_at.timestamp())}:F>"
    )
    # The organizer may still edit it, and its offset is kept for a new time.
    edited = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, where="Room 2")
    assert edited.content is not None and "updated" in edited.content
    assert [(r.user_id, r.status) for r in await stored_rsvps(bot_running, meetup_id)] == [(alice.id, RsvpStatus.GOING)]
