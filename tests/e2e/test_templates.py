"""Meetup templates and duplicates through Discord: /meetup template save, list and delete,
/meetup create template:, /meetup duplicate; who may use them and what autocomplete shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.models import Meetup, MeetupTemplate
from tests.e2e.harness import BotRunner, Server, build_server, run_command
from tests.e2e.meetup_steps import (
    audit_log,
    create_meetup,
    custom_id,
    fields_of,
    future,
    meetup_id_of,
    public_messages,
    stored_meetup,
    stored_rsvps,
)
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord

NOT_ORGANIZER = "Only organizers can do that"
PAPER_CLUB: dict[str, Any] = {
    "title": "Paper club",
    "timezone": "Asia/Seoul",
    "where": "Room 301",
    "description": "This week: ViT",
    "capacity": 12,
    "duration": "90m",
    "reminders": "24h,15m",
    "remind_maybe": True,
}


async def stored_templates(runner: BotRunner) -> list[MeetupTemplate]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return list((await session.scalars(select(MeetupTemplate).order_by(MeetupTemplate.id))).all())


async def meetup_count(runner: BotRunner) -> int:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Meetup)) or 0)


async def template(
    emu: DiscordEmulator, server: Server, subcommand: str, *, by: Any = None, **options: Any
) -> InteractionHandle:
    return await run_command(emu, server, by or server.organizer, f"meetup template {subcommand}", **options)


async def suggested(
    emu: DiscordEmulator, server: Server, user_id: int, command: str, value: str = "", *, focused: str = "name"
) -> list[str]:
    choices = await emu.autocomplete(server.guild.id, server.channel.id, user_id, command, focused=focused, value=value)
    return [str(c["value"]) for c in choices]


async def paper_club(emu: DiscordEmulator, server: Server, **overrides: Any) -> MessageRecord:
    _, message = await create_meetup(emu, server, **(PAPER_CLUB | overrides))
    return message


async def test_an_organizer_saves_lists_and_deletes_a_template(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id = meetup_id_of(await paper_club(emu, server))
    posted_before = len(public_messages(emu, server.channel.id))
    saved = await template(emu, server, "save", name="  Paper   club ", meetup=meetup_id)
    assert saved.ephemeral and saved.content is not None
    assert saved.content.startswith(f"Template **Paper club** saved from meetup #{meetup_id}: “Paper club” · Room 301")
    assert "`/meetup create template:Paper club when:…`" in saved.content

    listed = await template(emu, server, "list")
    assert listed.ephemeral
    assert listed.content == (
        "**Meetup templates** (1)\n"
        f"**Paper club**: “Paper club” · Room 301 · 12 seats · 1 hour 30 minutes · reminders 24h, 15m · "
        f"in <#{server.channel.id}> · does not repeat"
    )
    assert await suggested(emu, server, server.organizer.id, "meetup template delete", "PAPER") == ["Paper club"]

    deleted = await template(emu, server, "delete", name="paper club")
    assert deleted.ephemeral
    assert deleted.content == "Template **Paper club** deleted. Meetups made from it keep their fields."
    assert await stored_templates(bot_running) == []
    empty = await template(emu, server, "list")
    assert empty.content is not None and empty.content.startswith("This server has no meetup templates yet.")
    # All of it was private: nothing new in the channel.
    assert len(public_messages(emu, server.channel.id)) == posted_before
    actions = [entry.action for entry in await audit_log(bot_running)]
    assert actions == ["meetup.create", "template.save", "template.delete"]


async def test_saving_an_existing_name_replaces_the_template_and_says_so(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first = meetup_id_of(await paper_club(emu, server))
    _, board_games = await create_meetup(emu, server, title="Board games", capacity=6)
    second = meetup_id_of(board_games)
    await template(emu, server, "save", name="Friday", meetup=first)
    again = await template(emu, server, "save", name="FRIDAY", meetup=second)
    assert again.content is not None
    assert again.content.startswith(f"Template **FRIDAY** replaced: it now keeps the fields of meetup #{second}")
    [kept] = await stored_templates(bot_running)
    assert (kept.name, kept.title, kept.capacity, kept.location) == ("FRIDAY", "Board games", 6, None)


async def test_bad_names_and_unknown_templates_are_refused_privately_and_nothing_is_stored(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id = meetup_id_of(await paper_club(emu, server))
    too_long = await template(emu, server, "save", name="x" * 51, meetup=meetup_id)
    assert too_long.ephemeral and too_long.content is not None
    assert too_long.content.startswith("A template's name can be at most 50 characters")
    unknown_meetup = await template(emu, server, "save", name="Ghost", meetup=99999)
    assert unknown_meetup.content == "I can't find meetup #99999 in this server."
    unknown = await template(emu, server, "delete", name="Brunch")
    assert unknown.ephemeral
    assert unknown.content == (
        "There is no template named `Brunch` in this server. See the server's templates with `/meetup template list`."
    )
    assert await stored_templates(bot_running) == []


async def test_members_who_are_not_organizers_are_refused_and_get_no_suggestions(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id = meetup_id_of(await paper_club(emu, server))
    await template(emu, server, "save", name="Paper club", meetup=meetup_id)
    posted_before = len(public_messages(emu, server.channel.id))
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("meetup template save", {"name": "Mine", "meetup": meetup_id}),
        ("meetup template list", {}),
        ("meetup template delete", {"name": "Paper club"}),
        ("meetup duplicate", {"meetup": meetup_id, "when": future(20)}),
    ]
    for command, options in attempts:
        ix = await run_command(emu, server, server.member, command, **options)
        assert ix.ephemeral and ix.content is not None and ix.content.startswith(NOT_ORGANIZER), command
    for command in ("meetup template save", "meetup template delete"):
        assert await suggested(emu, server, server.member.id, command) == [], command
        assert await suggested(emu, server, server.organizer.id, command) == ["Paper club"], command
    assert [t.name for t in await stored_templates(bot_running)] == ["Paper club"]
    assert len(public_messages(emu, server.channel.id)) == posted_before
    assert await meetup_count(bot_running) == 1


async def test_a_duplicate_copies_the_fields_at_a_new_time_and_not_the_answers(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    other = emu.create_text_channel(server.guild.id, "reading-group")
    original = await paper_club(emu, server, when=future(5), channel=other.id)
    earlier = await stored_meetup(bot_running, meetup_id_of(original))
    for member in server.members[:3]:
        ix = await emu.click_button(other.id, original.id, custom_id(original, "Going"), member.id)
        await ix.wait_final(timeout=10)
    assert len(await stored_rsvps(bot_running, earlier.id)) == 3

    # `when` without a zone is read in the earlier meetup's (Seoul), as it was typed the first time.
    day = (earlier.starts_at + timedelta(days=7)).astimezone(ZoneInfo("Asia/Seoul"))
    ix = await run_command(
        emu, server, server.organizer, "meetup duplicate", meetup=earlier.id, when=f"{day:%Y-%m-%d %H:%M}"
    )
    assert ix.ephemeral and ix.content is not None and "is posted" in ix.content
    posted = [m for m in public_messages(emu, other.id) if m.embeds and m.id != original.id]
    assert len(posted) == 1, "the duplicate is posted where the earlier meetup was"
    copy = await stored_meetup(bot_running, meetup_id_of(posted[0]))
    assert copy.starts_at == earlier.starts_at + timedelta(days=7)
    assert (copy.timezone, copy.channel_id, copy.reminder_offsets, copy.remind_maybe) == (
        "Asia/Seoul",
        other.id,
        "1440,15",
        True,
    )
    embed = posted[0].embeds[0]
    assert (embed["title"], embed["description"]) == ("Paper club", "This week: ViT")
    fields = fields_of(posted[0])
    assert fields["Where"] == "Room 301"
    assert fields["Duration"] == "1 hour 30 minutes"
    assert fields["Going (0 / 12)"] == "—"  # nobody's answer came along
    assert await stored_rsvps(bot_running, copy.id) == []
    assert copy.series_id == copy.id  # a meetup of its own, not a follow-up session

    # Another channel may be chosen, and the typed zone wins.
    elsewhere = await run_command(
        emu,
        server,
        server.organizer,
        "meetup duplicate",
        meetup=earlier.id,
        when=f"{day:%Y-%m-%d} 19:00",
        timezone="Europe/Berlin",
        channel=server.channel.id,
    )
    assert elsewhere.content is not None and "is posted" in elsewhere.content
    [moved] = [m for m in public_messages(emu, server.channel.id) if m.embeds]
    assert (await stored_meetup(bot_running, meetup_id_of(moved))).timezone == "Europe/Berlin"


async def test_a_duplicate_of_an_unknown_meetup_or_a_bad_time_posts_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id = meetup_id_of(await paper_club(emu, server))
    unknown = await run_command(emu, server, server.organizer, "meetup duplicate", meetup=99999, when=future(20))
    assert unknown.ephemeral and unknown.content == "I can't find meetup #99999 in this server."
    past = await run_command(
        emu, server, server.organizer, "meetup duplicate", meetup=meetup_id, when="2020-01-01 19:00"
    )
    assert past.ephemeral and past.content is not None and "in the past" in past.content
    assert await meetup_count(bot_running) == 1
    assert len([m for m in public_messages(emu, server.channel.id) if m.embeds]) == 1


async def test_two_servers_may_use_the_same_name(emu: DiscordEmulator, server: Server, bots: BotRunner) -> None:
    other = build_server(emu, guild=emu.create_guild("Reading group"))
    await bots.start()
    here = meetup_id_of(await paper_club(emu, server))
    _, there_message = await create_meetup(emu, other, title="Journal club")
    there = meetup_id_of(there_message)
    await template(emu, server, "save", name="Weekly", meetup=here)
    saved = await template(emu, other, "save", name="weekly", meetup=there)
    assert saved.content is not None and saved.content.startswith("Template **weekly** saved")
    listed = await template(emu, other, "list")
    assert listed.content is not None and "Journal club" in listed.content and "Paper club" not in listed.content
    # One server's meetup is not another's to save.
    refused = await template(emu, other, "save", name="Stolen", meetup=here)
    assert refused.content == f"I can't find meetup #{here} in this server."
    assert sorted((t.guild_id, t.name) for t in await stored_templates(bots)) == sorted(
        [(server.guild.id, "Weekly"), (other.guild.id, "weekly")]
    )


async def test_create_from_a_template_fills_the_gaps_and_what_is_typed_wins(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    club = emu.create_text_channel(server.guild.id, "reading-group")
    source = meetup_id_of(await paper_club(emu, server, channel=club.id))
    await template(emu, server, "save", name="Paper club", meetup=source)
    assert await suggested(emu, server, server.organizer.id, "meetup create", "pap", focused="template") == [
        "Paper club"
    ]

    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup create",
        template="paper club",
        when=future(20),
        capacity=20,
        where="Library, 2nd floor",
    )
    assert ix.ephemeral and ix.content is not None and "is posted" in ix.content
    posted = [m for m in public_messages(emu, club.id) if m.embeds]
    assert len(posted) == 2, "posted in the template's channel"
    made = await stored_meetup(bot_running, meetup_id_of(posted[-1]))
    embed = posted[-1].embeds[0]
    assert (embed["title"], embed["description"]) == ("Paper club", "This week: ViT")
    fields = fields_of(posted[-1])
    assert fields["Where"] == "Library, 2nd floor"
    assert fields["Duration"] == "1 hour 30 minutes"
    assert "Going (0 / 20)" in fields
    assert (made.reminder_offsets, made.remind_maybe, made.timezone) == ("1440,15", True, "UTC")

    # The command's own title, channel and place win; `-` leaves the template's place out.
    own = await run_command(
        emu,
        server,
        server.organizer,
        "meetup create",
        template="Paper club",
        title="Paper club: special",
        when=future(27),
        where="-",
        channel=server.channel.id,
    )
    assert own.content is not None and "is posted" in own.content
    [here] = [m for m in public_messages(emu, server.channel.id) if m.embeds]
    assert here.embeds[0]["title"] == "Paper club: special"
    assert "Where" not in fields_of(here)
    assert "Going (0 / 12)" in fields_of(here)


async def test_create_with_an_unknown_template_or_no_title_is_refused_and_nothing_is_posted(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    unknown = await run_command(emu, server, server.organizer, "meetup create", template="Brunch", when=future())
    assert unknown.ephemeral
    assert unknown.content == (
        "There is no template named `Brunch` in this server. See the server's templates with `/meetup template list`."
    )
    untitled = await run_command(emu, server, server.organizer, "meetup create", when=future())
    assert untitled.ephemeral and untitled.content is not None
    assert untitled.content.startswith("A meetup needs a title")
    member = await run_command(emu, server, server.member, "meetup create", template="Brunch", when=future())
    assert member.content is not None and member.content.startswith(NOT_ORGANIZER)
    assert await suggested(emu, server, server.member.id, "meetup create", focused="template") == []
    assert public_messages(emu, server.channel.id) == []
    assert await meetup_count(bot_running) == 0


async def test_a_template_whose_channel_is_gone_asks_for_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    gone = emu.create_text_channel(server.guild.id, "old-events")
    source = meetup_id_of(await paper_club(emu, server, channel=gone.id))
    await template(emu, server, "save", name="Paper club", meetup=source)
    emu.delete_channel(gone.id)
    refused = await run_command(emu, server, server.organizer, "meetup create", template="Paper club", when=future(20))
    assert refused.ephemeral
    assert refused.content == (
        f"The channel it was posted in (<#{gone.id}>) is gone or not a text channel any more: "
        "pick where to post it with the `channel` option."
    )
    assert await meetup_count(bot_running) == 1
    here = await run_command(
        emu,
        server,
        server.organizer,
        "meetup create",
        template="Paper club",
        when=future(20),
        channel=server.channel.id,
    )
    assert here.content is not None and "is posted" in here.content
    assert await meetup_count(bot_running) == 2


async def test_a_template_and_a_duplicate_keep_the_guests_and_a_cut_off_before_the_start(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id = meetup_id_of(await paper_club(emu, server, guests=2, answers_close="2h"))
    saved = await template(emu, server, "save", name="Paper club", meetup=meetup_id)
    assert "up to 2 guests each · answers close 2 hours before" in (saved.content or ""), saved.content
    made = await run_command(emu, server, server.organizer, "meetup create", template="Paper club", when=future(3))
    assert made.content is not None and made.content.startswith("Meetup #"), made.content
    duplicated = await run_command(emu, server, server.organizer, "meetup duplicate", meetup=meetup_id, when=future(4))
    assert duplicated.content is not None and duplicated.content.startswith("Meetup #"), duplicated.content
    for message in public_messages(emu, server.channel.id)[-2:]:
        meetup = await stored_meetup(bot_running, meetup_id_of(message))
        assert meetup.guests == 2
        assert meetup.answers_close_before == 120
        assert meetup.answers_close_at == meetup.starts_at - timedelta(hours=2)
    # What is typed wins: no guests this time.
    await run_command(emu, server, server.organizer, "meetup create", template="Paper club", when=future(5), guests=0)
    assert (await stored_meetup(bot_running, meetup_id_of(public_messages(emu, server.channel.id)[-1]))).guests == 0
