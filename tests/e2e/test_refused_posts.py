"""When Discord refuses the post of a use case (a permission taken away, the channel deleted, or an
error of Discord's own), nothing is left that members cannot see: the database is as it was
before, no reminder is pending, and the organizer is told what to fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import (
    Meetup,
    MeetupStatus,
    Poll,
    PollOption,
    PollStatus,
    PollVote,
    Reminder,
    ReminderKind,
    ReminderState,
    Rsvp,
)
from bot.rendering.refusals import NEEDED_THERE
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import future, public_messages
from tests.e2e.test_polls import select_of
from tests.emulator import Channel, DiscordEmulator, MessageRecord, Permission

POST = ("POST", "/channels/{channel_id}/messages")

Break = Callable[[DiscordEmulator, Channel], None]


def take_send_messages(emu: DiscordEmulator, channel: Channel) -> None:
    """An admin takes Send Messages from the bot in the channel just as the post arrives: after the
    bot checked the channel, before Discord looks at the post."""
    emu.before_request(
        *POST,
        lambda: emu.set_channel_overwrite(
            channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1
        ),
        channel_id=channel.id,
    )


def delete_the_channel(emu: DiscordEmulator, channel: Channel) -> None:
    emu.before_request(*POST, lambda: emu.delete_channel(channel.id), channel_id=channel.id)


def fail_with_503(emu: DiscordEmulator, channel: Channel) -> None:
    emu.inject_fault(*POST, status=503, channel_id=channel.id)


FAILURES = pytest.mark.parametrize(
    ("break_post", "failure"),
    [(take_send_messages, "forbidden"), (delete_the_channel, "deleted"), (fail_with_503, "503")],
    ids=["missing permission", "deleted channel", "5xx"],
)


def refused_new(what: str, channel: Channel, failure: str) -> str:
    where = f"<#{channel.id}>"
    return {
        "forbidden": f"Discord did not let me post the {what} in {where}; nothing was created. "
        f"Give me {NEEDED_THERE} there, or pick another channel with `channel`.",
        "deleted": f"The channel {where} no longer exists, so the {what} could not be posted; nothing was created. "
        "Pick another channel with `channel`.",
        "503": f"Discord could not take the {what} just now (error 503); nothing was created. Try again in a moment.",
    }[failure]


async def rows(runner: BotRunner, model: type) -> list[Any]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return list((await session.scalars(select(model))).all())


@FAILURES
async def test_a_refused_new_meetup_leaves_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, break_post: Break, failure: str
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    break_post(emu, side)
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup create",
        title="Karaoke",
        when=future(),
        reminders="24h,1h",
        channel=side.id,
    )
    assert ix.ephemeral
    assert ix.content == refused_new("meetup message", side, failure)
    assert public_messages(emu, side.id) == []
    for model in (Meetup, Rsvp, Reminder):
        assert await rows(bot_running, model) == [], model
    if failure == "503":  # Discord's own trouble passes: the same command works now
        again = await run_command(
            emu, server, server.organizer, "meetup create", title="Karaoke", when=future(), channel=side.id
        )
        assert again.content is not None and again.content.startswith("Meetup #")
        assert len(await rows(bot_running, Meetup)) == 1


@FAILURES
async def test_a_refused_new_poll_leaves_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, break_post: Break, failure: str
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    break_post(emu, side)
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Dinner",
        options=f"{future(5)}; {future(6)}",
        closes="in 3h",
        channel=side.id,
    )
    assert ix.ephemeral
    assert ix.content == refused_new("poll", side, failure)
    assert public_messages(emu, side.id) == []
    for model in (Poll, PollOption, Reminder):
        assert await rows(bot_running, model) == [], model
    assert bot_running.bot is not None
    assert [j.id for j in bot_running.bot.runtime.scheduler.get_jobs() if j.id.startswith("poll-close:")] == []


def refused_finalize(channel: Channel, poll_id: int, failure: str) -> str:
    where = f"<#{channel.id}>"
    unchanged = f"poll #{poll_id} is as it was, and nobody was pinged"
    return {
        "forbidden": f"Discord did not let me post the meetup message in {where}, so {unchanged}. "
        f"Give me {NEEDED_THERE} there, then finalize again.",
        "deleted": f"The channel {where} of poll #{poll_id} no longer exists, so its meetup could not be posted; "
        f"{unchanged}. Make the meetup in another channel with `/meetup create`.",
        "503": f"Discord could not take the meetup message just now (error 503), so {unchanged}. "
        "Finalize again in a moment.",
    }[failure]


async def open_side_poll(emu: DiscordEmulator, server: Server, side: Channel) -> tuple[int, MessageRecord]:
    """A poll in the side room with a deadline (so it has a closing reminder and a timer) and two votes."""
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Dinner",
        options=f"{future(5)}; {future(6)}",
        closes="in 3h",
        channel=side.id,
    )
    assert ix.content is not None and ix.content.startswith("Poll #"), ix.content
    poll_id = int(ix.content.split()[1].lstrip("#"))
    [message] = [m for m in public_messages(emu, side.id) if m.embeds]
    menu = select_of(message, "Works for me")
    options = menu["options"]
    assert isinstance(options, list)
    for voter in server.members[:2]:
        vote = await emu.select(side.id, message.id, str(menu["custom_id"]), [options[0]["value"]], voter.id)
        await vote.wait_final(timeout=10)
    return poll_id, message


@FAILURES
async def test_a_refused_finalize_leaves_the_poll_as_it_was(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, break_post: Break, failure: str
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    poll_id, _ = await open_side_poll(emu, server, side)
    [before] = await rows(bot_running, Poll)
    posts_before = len(public_messages(emu, side.id))
    break_post(emu, side)
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    assert ix.ephemeral
    assert ix.content == refused_finalize(side, poll_id, failure)
    [poll] = await rows(bot_running, Poll)
    assert (poll.status, poll.closed_at, poll.meetup_id) == (PollStatus.OPEN, None, None)
    assert poll.closes_at == before.closes_at
    assert len(await rows(bot_running, PollVote)) == 2
    assert await rows(bot_running, Meetup) == [] and await rows(bot_running, Rsvp) == []
    [reminder] = await rows(bot_running, Reminder)  # the poll's closing reminder, and no meetup reminder
    assert (reminder.kind, reminder.state, reminder.poll_id) == (
        ReminderKind.POLL_CLOSING,
        ReminderState.PENDING,
        poll_id,
    )
    assert bot_running.bot is not None
    assert bot_running.bot.runtime.scheduler.get_job(f"poll-close:{poll_id}") is not None
    assert len(public_messages(emu, side.id)) == posts_before  # no meetup message, and nobody pinged
    if failure == "deleted":
        return
    if failure == "forbidden":  # the organizer gives the permission back, as the answer asked
        emu.set_channel_overwrite(side.id, emu.bot_user_id, target_type=1)
    again = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    assert again.content is not None and again.content.startswith(f"Poll #{poll_id} is now meetup #"), again.content
    [meetup] = await rows(bot_running, Meetup)
    assert meetup.message_id is not None
    assert sorted(r.user_id for r in await rows(bot_running, Rsvp)) == sorted(m.id for m in server.members[:2])
    notice = await emu.wait_for_message(side.id, lambda m: "is set for" in m.content)
    assert sorted(notice.pinged_user_ids) == sorted(m.id for m in server.members[:2])


PATCH = ("PATCH", "/channels/{channel_id}/messages/{message_id}")


async def answered_side_meetup(emu: DiscordEmulator, server: Server, side: Channel) -> tuple[int, MessageRecord]:
    ix = await run_command(
        emu, server, server.organizer, "meetup create", title="Karaoke", when=future(), channel=side.id
    )
    assert ix.content is not None and ix.content.startswith("Meetup #"), ix.content
    meetup_id = int(ix.content.split()[1].lstrip("#"))
    [message] = [m for m in public_messages(emu, side.id) if m.embeds]
    going = next(c["custom_id"] for row in message.components for c in row["components"] if c.get("label") == "Going")
    for member in server.members[:2]:
        click = await emu.click_button(side.id, message.id, going, member.id)
        await click.wait_final(timeout=10)
    return meetup_id, message


def take_view_channel(emu: DiscordEmulator, channel: Channel) -> None:
    emu.set_channel_overwrite(channel.id, emu.bot_user_id, deny=int(Permission.VIEW_CHANNEL), target_type=1)


def fail_the_edit_with_503(emu: DiscordEmulator, channel: Channel) -> None:
    emu.inject_fault(*PATCH, status=503, channel_id=channel.id)


EDIT_FAILURES = pytest.mark.parametrize(
    ("break_edit", "failure"),
    [(take_view_channel, "forbidden"), (fail_the_edit_with_503, "503")],
    ids=["missing permission", "5xx"],
)


def not_updated(channel: Channel, failure: str) -> str:
    if failure == "forbidden":
        return (
            f"Discord did not let me update its message in <#{channel.id}>, so members still see it as it was; "
            "give me View Channel there, and the next answer or change brings it up to date."
        )
    return (
        "Discord could not update its message just now (error 503), so members may still see it as it was "
        "for a moment; I'll try again shortly."
    )


async def wait_until_shown(emu: DiscordEmulator, message: MessageRecord, text: str) -> None:
    await emu.wait_for(lambda: text in str(emu.message(message.id).embeds), timeout=10, what=f"{text!r} on the message")


@EDIT_FAILURES
async def test_an_edit_whose_message_discord_refuses_stands_and_the_organizer_hears_what_members_see(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, break_edit: Break, failure: str
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    meetup_id, message = await answered_side_meetup(emu, server, side)
    [before] = await rows(bot_running, Meetup)
    break_edit(emu, side)
    ix = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, when=future(12))
    [meetup] = await rows(bot_running, Meetup)
    assert meetup.starts_at - before.starts_at == timedelta(days=2)  # the new time is saved
    new_time = f"<t:{int(meetup.starts_at.timestamp())}"
    assert ix.content is not None
    assert ix.content.startswith(f"Meetup #{meetup_id} updated (time). It starts {new_time}:F>"), ix.content
    if failure == "forbidden":  # nothing reaches the channel
        told = "2 members going or maybe could not be told of the new time. Discord refused the notice in the channel"
    else:
        told = "2 members going or maybe were told of the new time."
    assert told in ix.content
    assert ix.content.endswith(not_updated(side, failure))
    if failure == "503":  # tried again by itself shortly, as the answer said
        await wait_until_shown(emu, message, new_time)
    else:
        assert new_time not in str(emu.message(message.id).embeds)


@EDIT_FAILURES
async def test_a_cancel_whose_message_discord_refuses_stands_and_the_organizer_hears_what_members_see(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, break_edit: Break, failure: str
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    meetup_id, message = await answered_side_meetup(emu, server, side)
    break_edit(emu, side)
    ix = await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id)
    [meetup] = await rows(bot_running, Meetup)
    assert meetup.status == MeetupStatus.CANCELLED
    assert all(r.state != ReminderState.PENDING for r in await rows(bot_running, Reminder))
    told = {
        "forbidden": "the 2 members who answered could not be told. Discord refused the notice in the channel; "
        "check that I may post there.",
        "503": "2 members who answered were told.",
    }[failure]
    assert ix.content == f"Meetup #{meetup_id} is cancelled; {told} {not_updated(side, failure)}"
    if failure == "503":
        await emu.wait_for(
            lambda: all(c.get("disabled") for row in emu.message(message.id).components for c in row["components"]),
            timeout=10,
            what="the buttons to be turned off",
        )


async def test_a_close_whose_summary_discord_refuses_still_closes_and_says_so(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    poll_id, message = await open_side_poll(emu, server, side)
    emu.set_channel_overwrite(side.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1)
    ix = await run_command(emu, server, server.organizer, "meetup poll-close", poll=poll_id)
    assert ix.content == (
        f"Poll #{poll_id} is closed; its results stay visible. "
        "Discord refused the results summary in the channel; check that I may post there."
    )
    [poll] = await rows(bot_running, Poll)
    assert poll.status == PollStatus.CLOSED
    [reminder] = await rows(bot_running, Reminder)
    assert reminder.state == ReminderState.SKIPPED
    menus = [c for row in emu.message(message.id).components for c in row["components"] if c["type"] == 3]
    assert menus and all(m.get("disabled") for m in menus)  # its own message could still be edited
    again = await run_command(emu, server, server.organizer, "meetup poll-close", poll=poll_id)
    assert again.content == f"Poll #{poll_id} is already closed."
