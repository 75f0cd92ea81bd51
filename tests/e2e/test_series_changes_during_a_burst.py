"""An organizer who edits the later meetups of a series (`/meetup edit ... scope: following`) or
stops it (`/meetup repeat-stop`) while a hundred members click Going on its open meetup loses no
answer: every click is answered, every member is stored as going, and the message counts them all."""

from __future__ import annotations

import asyncio

import pytest

from bot.db.models import RsvpStatus, SeriesStatus
from tests.e2e.harness import BotRunner, Server
from tests.e2e.meetup_steps import (
    create_meetup,
    custom_id,
    limit_like_discord,
    meetup_id_of,
    stored_rsvps,
    wait_for_field,
)
from tests.e2e.series_steps import the_series
from tests.e2e.test_organizers_at_once import command
from tests.emulator import DiscordEmulator, InteractionHandle

CLICKS = 100
# The machine the tests run on is shared and slow: waits return as soon as all is done.
WAIT = 60.0
CHANGES = {
    "edit following": (
        {"name": "meetup edit", "title": "Paper club (big room)", "capacity": 500, "scope": "following"},
        "updated (title, capacity).",
    ),
    "repeat-stop": ({"name": "meetup repeat-stop"}, "The series is stopped: meetup #"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
async def test_a_series_changed_in_the_middle_of_a_burst_loses_no_answer(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, change: tuple[dict[str, object], str]
) -> None:
    limit_like_discord(emu)
    _, message = await create_meetup(emu, server, title="Paper club", repeat="weekly")
    meetup_id = meetup_id_of(message)
    fans = [emu.create_member(server.guild.id, f"fan{i}").id for i in range(CLICKS)]
    going = custom_id(message, "Going")
    options, answered = change
    name = str(options["name"])
    typed = {k: v for k, v in options.items() if k != "name"}

    clicks: list[InteractionHandle] = []
    for uid in fans[: CLICKS // 2]:
        clicks.append(await emu.click_button(server.channel.id, message.id, going, uid))
    changing = await command(emu, server, server.organizer, name, meetup=meetup_id, **typed)
    for uid in fans[CLICKS // 2 :]:
        clicks.append(await emu.click_button(server.channel.id, message.id, going, uid))
    await asyncio.gather(changing.wait_final(timeout=WAIT), *(c.wait_final(timeout=WAIT) for c in clicks))

    assert answered in (changing.content or ""), changing.content
    assert all(c.acknowledged and c.rejected == [] for c in clicks)
    assert all((c.content or "").startswith("You're going") for c in clicks), {c.content for c in clicks}
    rsvps = await stored_rsvps(bot_running, meetup_id)
    assert sorted(r.user_id for r in rsvps) == sorted(fans)
    assert {r.status for r in rsvps} == {RsvpStatus.GOING}
    going_field = f"Going ({CLICKS} / 500)" if "capacity" in typed else f"Going ({CLICKS})"
    await wait_for_field(emu, message, going_field, lambda n, v: n == going_field, timeout=WAIT)
    assert emu.sent_429 == 0

    assert bot_running.bot is not None
    series = await the_series(bot_running.bot.db)
    if name == "meetup edit":
        assert (series.status, series.title, series.capacity) == (SeriesStatus.ACTIVE, "Paper club (big room)", 500)
        assert emu.message(message.id).embeds[0]["title"].startswith("Paper club (big room)")
    else:
        assert (series.status, series.stopped_by) == (SeriesStatus.STOPPED, server.organizer.id)
