"""`/meetup series` of a recurring series through Discord: each meetup with who came, each member's
attendance rate; a series of 260 meetups and 500 members within one private message, saying what
it leaves out and attaching all of it; a meetup in no series refused privately."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.db.models import Meetup
from bot.services.attendance import mark_attendance
from bot.services.organizers import MANAGE_EVENTS, Actor
from tests.bot.services.long_series import MEMBER_IDS, fill_series
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import create_meetup, meetup_id_of
from tests.e2e.series_steps import end_open_occurrence, the_series, wait_until_settled
from tests.e2e.test_recurring_meetups import database_of, post_due
from tests.emulator import DiscordEmulator


async def test_the_series_shows_each_meetup_with_who_came_and_each_members_rate(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly", timezone="Europe/Berlin", title="Paper club")
    first_id = meetup_id_of(message)
    database = database_of(bot_running)
    series = await the_series(database)
    came = server.members[:3]
    async with database.transaction() as session:
        first = await session.get(Meetup, first_id)
        assert first is not None
        await mark_attendance(
            session,
            guild_id=server.guild.id,
            meetup_id=first_id,
            actor=Actor(server.organizer.id, MANAGE_EVENTS),
            user_ids=[m.id for m in came],
            present=True,
            now=first.starts_at,
        )
    ended = await end_open_occurrence(database, series.id)
    await post_due(bot_running)
    second_id = (await wait_until_settled(database, series.id, made=2))[1].id

    shown = await run_command(emu, server, server.organizer, "meetup series", meetup=second_id)
    assert shown.ephemeral and not shown.attachments and not shown.content
    head, regulars = (e["description"] for e in shown.embeds)
    assert shown.embeds[0]["title"] == "Series: Paper club"
    assert "**2 meetups**: 1 upcoming, 1 over." in head
    mentions = ", ".join(f"<@{m.id}>" for m in came)
    stamp = int(ended.starts_at.timestamp())
    assert f"**1.** #{first_id} <t:{stamp}:D> · over · 3 came: {mentions}" in head
    assert f"**2.** #{second_id} <t:" in head and head.endswith("· upcoming")
    assert shown.embeds[1]["title"] == "Who came, most often first (of 1)"
    assert regulars.splitlines() == [f"<@{m.id}> 1/1 (100%) · last came <t:{stamp}:D>" for m in came]
    assert shown.embeds[-1]["footer"]["text"] == "3 members came"

    repeat = await run_command(emu, server, server.organizer, "meetup repeat", meetup=second_id)
    assert "Who came to which, and each member's attendance rate: `/meetup series`." in (repeat.content or "")
    refused = await run_command(emu, server, server.member, "meetup series", meetup=second_id)
    assert refused.ephemeral and "Only organizers can do that" in (refused.content or "")


async def test_a_meetup_in_no_series_is_refused_privately_with_the_reason(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="One evening")
    lone = meetup_id_of(message)
    refused = await run_command(emu, server, server.organizer, "meetup series", meetup=lone)
    assert refused.ephemeral
    assert refused.content == (
        f"Meetup #{lone} is not part of a series: it does not repeat (the `repeat` option of `/meetup create`) "
        "and has no follow-up (`/meetup followup`)."
    )


async def test_a_series_of_260_meetups_and_500_members_fits_one_answer_and_attaches_everything(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    database = database_of(bot_running)
    async with database.transaction() as session:
        filled = await fill_series(
            session,
            guild_id=server.guild.id,
            channel_id=server.channel.id,
            organizer_id=server.organizer.id,
            occurrences=260,
            # Members 0-99 come every week; 100-499 came to the first 100 weeks only.
            came=lambda index: list(range(100)) + (list(range(100, 500)) if index < 100 else []),
            first=datetime.now(UTC) - timedelta(weeks=259, days=1),
        )
    shown = await run_command(emu, server, server.organizer, "meetup series", meetup=filled.meetup_ids[-1])
    assert shown.ephemeral
    assert shown.content == (
        "The series is more than one Discord message can show: the latest meetups and the most regular "
        "members are below, and everyone at every meetup is in the attached CSV."
    )
    head, regulars, drifted = (e["description"] for e in shown.embeds)
    assert "**260 meetups**: 260 over." in head
    assert "earlier meetups left out: all are in the attached CSV." in head
    assert "**260.** #" in head
    assert regulars.splitlines()[-1].endswith("more members: all are in the attached CSV.")
    assert drifted.splitlines()[-1].endswith("more members: all are in the attached CSV.")
    assert shown.embeds[-1]["footer"]["text"] == "500 members came"
    [attached] = shown.attachments
    assert attached.filename == f"series-{filled.series_id}-attendance.csv"
    table = list(csv.reader(io.StringIO(attached.data.decode())))
    assert len(table) == 1 + 500 and len(table[0]) == 8 + 260
    assert table[1][:5] == [str(MEMBER_IDS), "", "260", "260", "100"]
