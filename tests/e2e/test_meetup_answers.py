"""Answering a meetup through Discord: buttons, reactions, the waitlist under a burst, restarts."""

from __future__ import annotations

import asyncio
import time

import icalendar

from bot.db.models import RsvpSource, RsvpStatus
from tests.e2e.harness import BotRunner, Server
from tests.e2e.meetup_steps import (
    click,
    create_meetup,
    custom_id,
    meetup_id_of,
    stored_meetup,
    stored_rsvps,
    wait_for_field,
)
from tests.emulator import DiscordEmulator


async def test_buttons_answer_privately_and_the_message_follows(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, capacity=2)
    alice, bob, carol = server.members[:3]
    assert (await click(emu, server, message, "Going", alice)).content == "You're going: seat 1 of 2."
    assert (await click(emu, server, message, "Going", bob)).content == "You're going: seat 2 of 2."
    full = await click(emu, server, message, "Going", carol)
    assert full.ephemeral
    assert full.content == "The meetup is full: you're number 1 on the waitlist."
    maybe = await click(emu, server, message, "Maybe", server.members[3])
    assert maybe.content == "You answered Maybe."
    declined = await click(emu, server, message, "Can't go", server.members[4])
    assert declined.content == "You answered Can't go."
    await wait_for_field(emu, message, "Going (2 / 2)", lambda n, v: f"<@{alice.id}>" in v and f"<@{bob.id}>" in v)
    await wait_for_field(emu, message, "Waitlist (1)", lambda n, v: v == f"1. <@{carol.id}>")
    await wait_for_field(emu, message, "Maybe (1)", lambda n, v: True)
    await wait_for_field(emu, message, "Can't go (1)", lambda n, v: True)


async def test_withdrawing_promotes_the_first_waitlisted_and_pings_only_them(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, capacity=1)
    alice, bob = server.members[:2]
    await click(emu, server, message, "Going", alice)
    await click(emu, server, message, "Going", bob)
    await asyncio.sleep(2.1)  # past the double-click window
    left = await click(emu, server, message, "Going", alice)
    assert left.content == "You're no longer on the list."
    notice = await emu.wait_for_message(server.channel.id, lambda m: "a seat opened up" in m.content)
    assert notice.pinged_user_ids == [bob.id]
    assert f"<@{bob.id}>" in notice.content
    rsvps = await stored_rsvps(bot_running, meetup_id_of(message))
    assert [(r.user_id, r.status) for r in rsvps] == [(bob.id, RsvpStatus.GOING)]


async def test_reactions_answer_like_buttons(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    alice = server.members[0]
    await emu.add_reaction(server.channel.id, message.id, "✅", alice.id)
    await wait_for_field(emu, message, "Going (1)", lambda n, v: f"<@{alice.id}>" in v)
    rsvps = await stored_rsvps(bot_running, meetup_id)
    assert [(r.status, r.source) for r in rsvps] == [(RsvpStatus.GOING, RsvpSource.REACTION)]
    # A new answer replaces the old one; removing the old reaction then changes nothing.
    await emu.add_reaction(server.channel.id, message.id, "❌", alice.id)
    await wait_for_field(emu, message, "Can't go (1)", lambda n, v: f"<@{alice.id}>" in v)
    await emu.remove_reaction(server.channel.id, message.id, "✅", alice.id)
    await asyncio.sleep(0.5)
    assert [r.status for r in await stored_rsvps(bot_running, meetup_id)] == [RsvpStatus.DECLINED]
    # Removing the reaction of the current answer withdraws it.
    await emu.remove_reaction(server.channel.id, message.id, "❌", alice.id)
    await wait_for_field(emu, message, "Can't go (0)", lambda n, v: True)
    assert await stored_rsvps(bot_running, meetup_id) == []


async def test_200_simultaneous_clicks_on_10_seats(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, capacity=10)
    members = [emu.create_member(server.guild.id, f"fan{i}") for i in range(200)]
    going_id = custom_id(message, "Going")
    started = time.monotonic()
    clicks = [await emu.click_button(server.channel.id, message.id, going_id, m.id) for m in members]
    await asyncio.gather(*(ix.wait_final(timeout=15) for ix in clicks))
    assert all(not ix.rejected for ix in clicks)
    rsvps = await stored_rsvps(bot_running, meetup_id_of(message))
    going = [r for r in rsvps if r.status == RsvpStatus.GOING]
    waitlist = sorted((r for r in rsvps if r.status == RsvpStatus.WAITLISTED), key=lambda r: r.waitlist_position or 0)
    assert len(going) == 10
    assert [r.waitlist_position for r in waitlist] == list(range(1, 191))
    replies = sorted(ix.content or "" for ix in clicks)
    assert sum(r.startswith("You're going: seat") for r in replies) == 10
    assert sum(r.startswith("The meetup is full") for r in replies) == 190
    # The message converges, and was edited about once a second, not 200 times.
    await wait_for_field(emu, message, "Going (10 / 10)", lambda n, v: True, timeout=5)
    await wait_for_field(emu, message, "Waitlist (190)", lambda n, v: True, timeout=5)
    elapsed = time.monotonic() - started
    edits = emu.message(message.id).edit_count
    assert edits <= elapsed + 3, f"{edits} edits in {elapsed:.1f}s"
    assert emu.sent_429 == 0


async def test_the_same_member_clicking_20_times_at_once_leaves_one_answer(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, capacity=10)
    going_id = custom_id(message, "Going")
    member = server.members[0]
    clicks = [await emu.click_button(server.channel.id, message.id, going_id, member.id) for _ in range(20)]
    await asyncio.gather(*(ix.wait_final(timeout=10) for ix in clicks))
    rsvps = await stored_rsvps(bot_running, meetup_id_of(message))
    assert [(r.user_id, r.status) for r in rsvps] == [(member.id, RsvpStatus.GOING)]


async def test_buttons_and_reactions_work_after_a_restart(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    await bot_running.restart()
    ix = await click(emu, server, message, "Maybe", server.members[0])
    assert ix.content == "You answered Maybe."
    await emu.add_reaction(server.channel.id, message.id, "✅", server.members[1].id)
    await wait_for_field(emu, message, "Going (1)", lambda n, v: f"<@{server.members[1].id}>" in v)


async def test_add_to_calendar_gives_an_ics_file_and_a_google_link(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, where="Coex")
    meetup = await stored_meetup(bot_running, meetup_id_of(message))
    ix = await click(emu, server, message, "Add to calendar", server.member)
    assert ix.ephemeral
    assert ix.content is not None and "calendar.google.com" in ix.content
    (attachment,) = ix.attachments
    assert attachment.filename == f"meetup-{meetup.id}.ics"
    event = icalendar.Calendar.from_ical(attachment.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == meetup.starts_at
    assert event.decoded("dtend") == meetup.ends_at


async def test_a_deleted_meetup_message_is_noticed_and_nothing_breaks(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    await click(emu, server, message, "Going", server.members[0])
    emu.delete_message(server.channel.id, message.id)
    assert bot_running.bot is not None
    bot_running.bot.meetup_messages.refresh(meetup_id)
    await emu.wait_for(lambda: True, timeout=0.1)
    await asyncio.sleep(1.5)
    meetup = await stored_meetup(bot_running, meetup_id)
    assert meetup.message_missing
