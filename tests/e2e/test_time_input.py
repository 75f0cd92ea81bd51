"""Typed times through Discord: the server's date order, the reading said back, a just-passed date refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import Meetup
from tests.e2e.harness import BotRunner, Server, build_server, run_command
from tests.emulator import DiscordEmulator

# Both readings of 5/12 are in this year ahead, so either order gives a time to come.
YEAR = datetime.now(UTC).year + 2


async def stored_starts(runner: BotRunner) -> list[datetime]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return [m.starts_at for m in (await session.scalars(select(Meetup).order_by(Meetup.id))).all()]


async def test_a_slash_date_follows_the_servers_order_and_the_answer_says_which_reading(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    chosen = await run_command(emu, server, server.organizer, "settings date-order", order="DMY")
    assert chosen.ephemeral
    assert chosen.content == (
        "Slash dates are read day first (5/12 is 5 December), as chosen for this server. "
        "Dates with dots (`5.12.`) are always day first."
    )
    day_first = await run_command(emu, server, server.organizer, "meetup create", title="A", when=f"5/12/{YEAR} 19:00")
    assert day_first.ephemeral and day_first.content is not None
    assert f"I read `5/12/{YEAR}` as 5 December: this server reads such dates day first" in day_first.content

    await run_command(emu, server, server.organizer, "settings date-order", order="MDY")
    month_first = await run_command(
        emu, server, server.organizer, "meetup create", title="B", when=f"5/12/{YEAR} 19:00"
    )
    assert month_first.content is not None
    assert f"I read `5/12/{YEAR}` as May 12: this server reads such dates month first" in month_first.content

    # Unambiguous dates get no note; the stored instants are the two readings (the server's zone is UTC).
    plain = await run_command(emu, server, server.organizer, "meetup create", title="C", when=f"{YEAR}-12-05 19:00")
    assert plain.content is not None and "I read" not in plain.content
    assert await stored_starts(bot_running) == [
        datetime(YEAR, 12, 5, 19, tzinfo=UTC),
        datetime(YEAR, 5, 12, 19, tzinfo=UTC),
        datetime(YEAR, 12, 5, 19, tzinfo=UTC),
    ]


async def test_without_a_choice_the_servers_language_decides(emu: DiscordEmulator, bot_running: BotRunner) -> None:
    german = build_server(emu, guild=emu.create_guild("Treffen", preferred_locale="de"))
    await bot_running.restart()  # the bot learns of the new server at start
    shown = await run_command(emu, german, german.member, "settings show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert (
        fields["Date order"]
        == "Slash dates are read day first (5/12 is 5 December), from the server's language (`de`)."
    )
    created = await run_command(emu, german, german.organizer, "meetup create", title="T", when=f"5/12/{YEAR} 19:00")
    assert created.content is not None and "as 5 December" in created.content

    await run_command(emu, german, german.organizer, "settings date-order", order="language")
    await bot_running.restart()
    kept = await run_command(emu, german, german.member, "settings show")
    assert "from the server's language (`de`)" in kept.embeds[0]["fields"][1]["value"]


async def test_a_date_that_just_passed_is_refused_with_next_year_suggested(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    today = datetime.now(UTC).date()
    passed = today - timedelta(days=1)
    if passed.year != today.year:  # on 1 January yesterday is last year's: today's first minute has passed too
        passed = today
    typed = f"{passed:%b} {passed.day} 00:00"
    ix = await run_command(emu, server, server.organizer, "meetup create", title="Late", when=typed)
    assert ix.ephemeral
    assert ix.content == (
        f"`{typed}` has already passed this year ({passed:%a} {passed.day} {passed:%b %Y}). If you mean next year, "
        f"write the year: `{passed.year + 1}-{passed:%m-%d} 00:00`."
    )
    assert await stored_starts(bot_running) == []


async def test_out_of_range_times_and_zones_are_refused_privately(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    answers = {
        "Dec 32 19:00": "`Dec 32` is not a date: December has 31 days. Check the day.",
        "25:00": "`25:00` is not a time: hours run from 00 to 23 (for midnight, write `00:00` with the next day).",
        f"Dec 5 {YEAR} 7pm EST": "`EST` is not a zone I can use",
        "<t:253402300799:F>": "`<t:253402300799:F>` is in 9999, more than 5 years ahead",
    }
    for when, says in answers.items():
        ix = await run_command(emu, server, server.organizer, "meetup create", title="t", when=when)
        assert ix.ephemeral
        assert ix.content is not None and ix.content.startswith(says), ix.content
    assert await stored_starts(bot_running) == []


async def test_a_poll_says_how_its_slash_dates_were_read(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    await run_command(emu, server, server.organizer, "settings date-order", order="DMY")
    ix = await run_command(
        emu, server, server.organizer, "meetup poll", title="Dinner", options=f"5/12/{YEAR} 19:00; 6/12/{YEAR} 19:00"
    )
    assert ix.content is not None and ix.content.startswith("Poll #"), ix.content
    assert f"I read `5/12/{YEAR}` as 5 December and `6/12/{YEAR}` as 6 December" in ix.content


async def test_a_zone_in_the_time_and_a_different_timezone_option_are_refused(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    when = f"{YEAR}-12-05 19:00 KST"
    refused = await run_command(
        emu, server, server.organizer, "meetup create", title="t", when=when, timezone="Europe/Berlin"
    )
    assert refused.content == (
        f"`{when}` names the zone `KST`, but the `timezone` option says `Europe/Berlin`: "
        "give the zone once, in the time or in the option."
    )
    honoured = await run_command(emu, server, server.organizer, "meetup create", title="t", when=when)
    assert honoured.content is not None and f"5 Dec {YEAR}, 19:00 (Asia/Seoul)" in honoured.content
    assert await stored_starts(bot_running) == [datetime(YEAR, 12, 5, 10, tzinfo=UTC)]
