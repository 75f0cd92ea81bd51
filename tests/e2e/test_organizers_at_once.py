"""Two organizers acting at once end in one consistent state, and each is told what happened: a poll
finalized twice makes one meetup, a meetup cancelled while its finalize is posting it ends cancelled
(after its voters heard it was set), and an edit in the middle of a burst of answers keeps the
capacity and leaves the message showing the final state."""

from __future__ import annotations

import asyncio
import itertools
import re

from sqlalchemy import select

from bot.db.models import Meetup, MeetupStatus, Poll, PollStatus, Reminder, ReminderState, Rsvp, RsvpStatus
from tests.e2e.harness import BotRunner, Server, poll_until
from tests.e2e.meetup_steps import (
    create_meetup,
    custom_id,
    limit_like_discord,
    meetup_id_of,
    public_messages,
    wait_for_field,
)
from tests.e2e.test_polls import make_poll, vote
from tests.emulator import DiscordEmulator, InteractionHandle, User

POST = ("POST", "/channels/{channel_id}/messages")
NOW_MEETUP = re.compile(r"Poll #(\d+) is now meetup #(\d+): ")


def second_organizer(emu: DiscordEmulator, server: Server) -> User:
    return emu.create_member(server.guild.id, "jisoo", roles=[server.organizers])


async def command(emu: DiscordEmulator, server: Server, user: User, name: str, **options: object) -> InteractionHandle:
    """Dispatch a slash command without waiting for the bot's answer."""
    return await emu.slash_command(server.guild.id, server.channel.id, user.id, name, **options)


async def stored(runner: BotRunner, model: type) -> list:  # type: ignore[type-arg]
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())  # type: ignore[attr-defined]


async def voted_poll(emu: DiscordEmulator, server: Server) -> int:
    poll_id = await make_poll(emu, server)
    for member in server.members[:3]:
        await vote(emu, server, member, "Works for me", [2])
    return poll_id


def hold_the_next_post(emu: DiscordEmulator, server: Server, meanwhile: object = None) -> None:
    """The next post in the channel (the meetup message) takes a moment to reach Discord, long
    enough for another organizer's command to arrive while it is on its way."""

    async def slow() -> None:
        if callable(meanwhile):
            await meanwhile()
        await asyncio.sleep(0.5)

    emu.before_request(*POST, slow, channel_id=server.channel.id)


async def test_finalizing_twice_at_once_makes_one_meetup_and_tells_the_second_organizer(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    other = second_organizer(emu, server)
    poll_id = await voted_poll(emu, server)
    hold_the_next_post(emu, server)
    first = await command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    second = await command(emu, server, other, "meetup finalize", poll=poll_id)
    await asyncio.gather(first.wait_final(timeout=15), second.wait_final(timeout=15))
    [meetup] = await stored(bot_running, Meetup)
    answers = sorted([first.content or "", second.content or ""], key=lambda a: not NOW_MEETUP.match(a))
    made = NOW_MEETUP.match(answers[0])
    assert made is not None and made.groups() == (str(poll_id), str(meetup.id)), answers
    assert answers[1] == f"Poll #{poll_id} is already finalized as meetup #{meetup.id}."
    [poll] = await stored(bot_running, Poll)
    assert (poll.status, poll.meetup_id) == (PollStatus.FINALIZED, meetup.id)
    rsvps = await stored(bot_running, Rsvp)
    assert sorted(r.user_id for r in rsvps) == sorted(m.id for m in server.members[:3])
    await emu.wait_for_message(server.channel.id, lambda m: "is set for" in m.content)
    await bot_running.bot.runtime.meetup_messages.flush()  # type: ignore[union-attr]
    assert len([m for m in public_messages(emu, server.channel.id) if "is set for" in m.content]) == 1
    assert len([m for m in public_messages(emu, server.channel.id) if m.embeds and "Meetup #" in str(m.embeds)]) == 1


async def test_a_cancel_that_arrives_while_finalize_posts_the_meetup_ends_with_it_cancelled(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    other = second_organizer(emu, server)
    poll_id = await voted_poll(emu, server)
    cancelling: list[InteractionHandle] = []

    async def cancel_it() -> None:  # the meetup is committed, its message not yet posted
        [meetup] = await stored(bot_running, Meetup)
        cancelling.append(await command(emu, server, other, "meetup cancel", meetup=meetup.id, reason="room lost"))

    hold_the_next_post(emu, server, cancel_it)
    finalizing = await command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    await finalizing.wait_final(timeout=15)
    await poll_until(lambda: cancelling, what="the cancel to be sent")
    await cancelling[0].wait_final(timeout=15)
    [meetup] = await stored(bot_running, Meetup)
    assert finalizing.content is not None and finalizing.content.startswith(
        f"Poll #{poll_id} is now meetup #{meetup.id}"
    )
    assert cancelling[0].content == f"Meetup #{meetup.id} is cancelled; 3 members who answered were told."
    assert meetup.status == MeetupStatus.CANCELLED and meetup.message_id is not None
    assert all(r.state != ReminderState.PENDING for r in await stored(bot_running, Reminder))
    notices = [m for m in public_messages(emu, server.channel.id) if m.pinged_user_ids]
    assert ["is set for" in notices[0].content, "is cancelled" in notices[1].content] == [True, True]
    assert len(notices) == 2
    assert sorted(notices[1].pinged_user_ids) == sorted(m.id for m in server.members[:3])
    buttons = [c for row in emu.message(meetup.message_id).components for c in row["components"]]
    assert buttons and all(b.get("disabled") for b in buttons)
    assert meetup.scheduled_event_id is not None
    assert emu.state.scheduled_event(server.guild.id, meetup.scheduled_event_id).status == 4  # canceled


async def test_an_edit_in_the_middle_of_a_burst_keeps_capacity_and_the_message_converges(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    limit_like_discord(emu)
    _, message = await create_meetup(emu, server, title="Karaoke night", capacity=10)
    meetup_id = meetup_id_of(message)
    fans = [emu.create_member(server.guild.id, f"fan{i}").id for i in range(60)]
    going = custom_id(message, "Going")
    clicks = [await emu.click_button(server.channel.id, message.id, going, uid) for uid in fans[:30]]
    editing = await command(
        emu, server, server.organizer, "meetup edit", meetup=meetup_id, capacity=20, title="Karaoke night (big room)"
    )
    clicks += [await emu.click_button(server.channel.id, message.id, going, uid) for uid in fans[30:]]
    await asyncio.gather(editing.wait_final(timeout=20), *(c.wait_final(timeout=20) for c in clicks))
    assert editing.content is not None
    assert editing.content.startswith(f"Meetup #{meetup_id} updated (title, capacity)."), editing.content
    rsvps = await stored(bot_running, Rsvp)
    statuses = [r.status for r in rsvps]
    assert statuses.count(RsvpStatus.GOING) == 20 and statuses.count(RsvpStatus.WAITLISTED) == 40
    waitlist = sorted((r for r in rsvps if r.status == RsvpStatus.WAITLISTED), key=lambda r: r.waitlist_position)
    assert len({r.waitlist_position for r in waitlist}) == 40
    await wait_for_field(emu, message, "Going (20 / 20)", lambda n, v: True, timeout=10)
    await wait_for_field(emu, message, "Waitlist (40)", lambda n, v: True, timeout=10)
    await bot_running.bot.runtime.meetup_messages.flush()  # type: ignore[union-attr]
    shown = emu.message(message.id)
    assert shown.embeds[0]["title"].startswith("Karaoke night (big room)")
    # One pace for every edit of the message, the organizer's among the burst's: none closer than a second.
    assert all((b - a).total_seconds() >= 0.99 for a, b in itertools.pairwise(shown.edit_times))
    assert emu.sent_429 == 0
