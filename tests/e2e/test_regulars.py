"""Regulars of a recurring meetup through Discord: the `Every time` button on its messages, the
next meetup posted with its regulars Going in the order they joined (waitlisted past capacity),
a second click stopping it, `/meetup attendees` marking them, and the refusals of a stopped
series and a cancelled meetup."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from sqlalchemy import select, update

from bot.db.models import Meetup, MeetupStatus, RecurringSeries, RsvpStatus, SeriesStatus
from bot.discord_access import DiscordAccess
from bot.publishing.member_presence import departed_members
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import buttons_of, click, create_meetup, custom_id, meetup_id_of, stored_rsvps
from tests.e2e.series_steps import end_open_occurrence, meetup_messages, the_series, wait_until_settled
from tests.e2e.test_exports import csv_rows
from tests.e2e.test_recurring_meetups import database_of, post_due
from tests.emulator import DiscordEmulator, MessageRecord


def labels(message: MessageRecord) -> list[str]:
    return [str(b.get("label")) for b in buttons_of(message)]


async def answers(runner: BotRunner, meetup_id: int) -> list[tuple[int, RsvpStatus, int | None]]:
    return [(r.user_id, r.status, r.waitlist_position) for r in await stored_rsvps(runner, meetup_id)]


async def post_next(emu: DiscordEmulator, server: Server, runner: BotRunner, made: int) -> MessageRecord:
    """End the open meetup of the only series now, and wait for the next one to be out."""
    database = database_of(runner)
    series = await the_series(database)
    await end_open_occurrence(database, series.id)
    await post_due(runner)
    await wait_until_settled(database, series.id, made=made)
    return meetup_messages(emu, server)[-1]


async def test_regulars_are_going_to_the_next_meetup_in_the_order_they_joined_within_its_seats(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly", capacity=2)
    assert labels(message) == ["Going", "Maybe", "Can't go", "Every time", "Add to calendar"]
    first, second, third, _, other = server.members
    await click(emu, server, message, "Maybe", first)
    await click(emu, server, message, "Going", other)
    replies = [(await click(emu, server, message, "Every time", m)).content or "" for m in (first, second, third)]
    for reply in replies:
        assert "you're Going to every later meetup of this series as it is posted" in reply
        assert "Click **Every time** again to stop." in reply
    assert "Your answer to this meetup stays Maybe" in replies[0]
    assert "You're Going to this one too: seat 2 of 2." in replies[1]
    assert "This one is full, so you're number 1 on its waitlist." in replies[2]
    assert "You're regular number 3." in replies[2]

    shown = await run_command(emu, server, server.organizer, "meetup attendees", meetup=meetup_id_of(message))
    text = shown.content or ""
    assert "🔁 every time: a regular of the series" in text
    assert f"<@{second.id}> · 🔁 every time · answered" in text
    assert f"<@{other.id}> · answered" in text
    exported = await run_command(
        emu, server, server.organizer, "meetup attendees", meetup=meetup_id_of(message), format="csv"
    )
    rows = csv_rows(exported.attachments[0].data)
    assert {int(r["user_id"]): r["every_time"] for r in rows} == {
        first.id: "yes",
        second.id: "yes",
        third.id: "yes",
        other.id: "no",
    }

    nxt = await post_next(emu, server, bot_running, made=2)
    assert "Every time" in labels(nxt)
    assert await answers(bot_running, meetup_id_of(nxt)) == [
        (first.id, RsvpStatus.GOING, None),
        (second.id, RsvpStatus.GOING, None),
        (third.id, RsvpStatus.WAITLISTED, 1),
    ]
    going = {f["name"]: f["value"] for f in emu.message(nxt.id).embeds[0].get("fields", [])}
    assert any(name.startswith("Going (2") for name in going)


async def test_a_second_click_stops_it_and_the_next_meetup_leaves_the_member_out(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly")
    member, other = server.members[:2]
    await click(emu, server, message, "Every time", member)
    await click(emu, server, message, "Every time", other)
    await asyncio.sleep(2.1)  # a second click sooner is taken as a double click
    stopped = await click(emu, server, message, "Every time", member)
    assert (stopped.content or "").startswith("You're no longer coming every time")
    assert "Your answer to this meetup stays Going." in (stopped.content or "")
    nxt = await post_next(emu, server, bot_running, made=2)
    assert await answers(bot_running, meetup_id_of(nxt)) == [(other.id, RsvpStatus.GOING, None)]


async def test_a_regular_who_left_the_server_is_not_counted_in(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly")
    leaving, staying = server.members[:2]
    for member in (leaving, staying):
        await click(emu, server, message, "Every time", member)
    emu.remove_member(server.guild.id, leaving.id)
    nxt = await post_next(emu, server, bot_running, made=2)
    assert await answers(bot_running, meetup_id_of(nxt)) == [(staying.id, RsvpStatus.GOING, None)]


async def test_a_stopped_series_has_no_every_time_and_an_old_button_says_why(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly")
    await run_command(emu, server, server.organizer, "meetup repeat-stop", meetup=meetup_id_of(message))
    await emu.wait_for(lambda: "Every time" not in labels(emu.message(message.id)), timeout=5, what="the button to go")
    assert labels(emu.message(message.id)) == ["Going", "Maybe", "Can't go", "Add to calendar"]

    # A click from a copy of the message drawn before the series was stopped.
    _, message = await create_meetup(emu, server, repeat="weekly", title="Board games")
    async with database_of(bot_running).transaction() as session:
        await session.execute(
            update(RecurringSeries)
            .where(
                RecurringSeries.id
                == select(Meetup.recurring_series_id).where(Meetup.id == meetup_id_of(message)).scalar_subquery()
            )
            .values(status=SeriesStatus.STOPPED)
        )
    ix = await emu.click_button(server.channel.id, message.id, custom_id(message, "Every time"), server.member.id)
    await ix.wait_final(timeout=10)
    assert ix.ephemeral
    assert "The organizers stopped the series of meetup" in (ix.content or "")
    assert "no meetup follows this one" in (ix.content or "")
    assert await answers(bot_running, meetup_id_of(message)) == []


async def test_a_cancelled_or_over_meetup_refuses_it_as_it_refuses_going(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    """A click that comes before the message is drawn again (an open client's old copy)."""
    _, message = await create_meetup(emu, server, repeat="weekly")
    database = database_of(bot_running)
    over = await end_open_occurrence(database, (await the_series(database)).id)
    ix = await emu.click_button(server.channel.id, message.id, custom_id(message, "Every time"), server.member.id)
    await ix.wait_final(timeout=10)
    assert ix.content == "This meetup is over, so it no longer takes answers."

    _, message = await create_meetup(emu, server, repeat="weekly", title="Board games")
    async with database.transaction() as session:
        await session.execute(
            update(Meetup).where(Meetup.id == meetup_id_of(message)).values(status=MeetupStatus.CANCELLED)
        )
    ix = await emu.click_button(server.channel.id, message.id, custom_id(message, "Every time"), server.member.id)
    await ix.wait_final(timeout=10)
    assert ix.content == "This meetup was cancelled, so it no longer takes answers."
    assert await answers(bot_running, over.id) == []
    assert await answers(bot_running, meetup_id_of(message)) == []


class _WithoutServerCache:
    """Discord as a process that does not run the server's shard sees it: no cached server."""

    def __init__(self, bot: Any) -> None:
        self.http = bot.http

    def get_guild(self, guild_id: int, /) -> None:
        return None


async def test_members_who_left_are_found_by_the_gateway_or_else_one_by_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    assert bot_running.bot is not None
    leaving = server.members[1]
    emu.remove_member(server.guild.id, leaving.id)
    asked = [m.id for m in server.members]
    by_gateway = await departed_members(bot_running.bot, guild_id=server.guild.id, user_ids=asked)
    one_by_one = await departed_members(
        cast(DiscordAccess, _WithoutServerCache(bot_running.bot)), guild_id=server.guild.id, user_ids=asked
    )
    assert by_gateway == one_by_one == {leaving.id}
