"""Templates keep the repeat rule through Discord: saved from a meetup of a recurring series,
shown in the list, and given to /meetup create template: unless the command types its own."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Meetup, RecurringSeries
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import create_meetup, future, meetup_id_of, public_messages
from tests.e2e.test_recurring_meetups import database_of
from tests.e2e.test_templates import template
from tests.emulator import DiscordEmulator


async def series_of_latest(runner: BotRunner) -> RecurringSeries | None:
    async with database_of(runner).reading() as session:
        latest = await session.scalar(select(Meetup).order_by(Meetup.id.desc()).limit(1))
        assert latest is not None
        if latest.recurring_series_id is None:
            return None
        return await session.get(RecurringSeries, latest.recurring_series_id)


async def test_a_template_of_a_repeating_meetup_makes_repeating_meetups_unless_told_otherwise(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(
        emu, server, title="Paper club", timezone="Europe/Berlin", repeat="every 2 weeks", repeat_count=6
    )
    saved = await template(emu, server, "save", name="Paper club", meetup=meetup_id_of(message))
    assert saved.ephemeral and saved.content is not None
    assert saved.content.startswith(f"Template **Paper club** saved from meetup #{meetup_id_of(message)}: ")
    assert " · repeats every 2 weeks, 6 times." in saved.content
    listed = await template(emu, server, "list")
    assert (listed.content or "").endswith(f"in <#{server.channel.id}> · repeats every 2 weeks, 6 times")

    made = await run_command(emu, server, server.organizer, "meetup create", template="Paper club", when=future(20))
    assert made.ephemeral and "is posted" in (made.content or "")
    assert "It repeats every 2 weeks on " in (made.content or "") and "The next dates:" in (made.content or "")
    series = await series_of_latest(bot_running)
    assert series is not None and (series.repeat_kind, series.count, series.until) == ("every 2 weeks", 6, None)

    # What is typed wins: its own kind keeps the template's count; its own end replaces the count.
    await run_command(
        emu, server, server.organizer, "meetup create", template="Paper club", when=future(21), repeat="weekly"
    )
    series = await series_of_latest(bot_running)
    assert series is not None and (series.repeat_kind, series.count) == ("weekly", 6)
    until = await run_command(
        emu,
        server,
        server.organizer,
        "meetup create",
        template="Paper club",
        when=future(22),
        repeat_until="2027-12-31",
    )
    assert "It repeats every 2 weeks on " in (until.content or "")
    series = await series_of_latest(bot_running)
    assert series is not None and (series.repeat_kind, series.count, series.until is not None) == (
        "every 2 weeks",
        None,
        True,
    )


async def test_a_template_of_a_one_off_meetup_makes_one_off_meetups(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Lab tour")
    await template(emu, server, "save", name="Lab tour", meetup=meetup_id_of(message))
    posted = len(public_messages(emu, server.channel.id))
    made = await run_command(emu, server, server.organizer, "meetup create", template="Lab tour", when=future(20))
    assert "is posted" in (made.content or "") and "repeats" not in (made.content or "")
    assert len(public_messages(emu, server.channel.id)) == posted + 1
    assert await series_of_latest(bot_running) is None
    # A typed end without a kind, on a template that does not repeat, is refused as without one.
    refused = await run_command(
        emu, server, server.organizer, "meetup create", template="Lab tour", when=future(21), repeat_count=4
    )
    assert refused.ephemeral and "`repeat_count` says when a repeating meetup ends: choose `repeat` too" in (
        refused.content or ""
    )
