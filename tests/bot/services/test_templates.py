"""Meetup templates against a real database: saving, replacing, finding, deleting, and filling a new
meetup from a template or an earlier meetup."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import AuditLogEntry, Meetup, MeetupTemplate
from bot.services import templates
from bot.services.errors import InvalidInput, MeetupNotFound, NotOrganizer
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup
from bot.services.templates import Prefilled, TemplateNotFound
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, make_meetup

Sessions = async_sessionmaker[AsyncSession]
OTHER_GUILD = 5002
VISIBLE = {CHANNEL}


async def rich_meetup(sessionmaker: Sessions, *, title: str = "Paper club", guild_id: int = GUILD) -> Meetup:
    async with sessionmaker() as s, s.begin():
        return await create_meetup(
            s,
            guild_id=guild_id,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(
                title=title,
                when="2026-12-05 19:00",
                timezone="Asia/Seoul",
                where="Room 301",
                description="This week: ViT",
                capacity=12,
                duration="90m",
                reminders="24h,15m",
                remind_maybe=True,
            ),
            default_timezone="UTC",
            now=NOW,
        )


async def save(sessionmaker: Sessions, name: str, meetup_id: int, *, guild_id: int = GUILD) -> templates.SavedTemplate:
    async with sessionmaker() as s, s.begin():
        return await templates.save_template(
            s,
            guild_id=guild_id,
            actor=ORGANIZER,
            name=name,
            meetup_id=meetup_id,
            visible_channel_ids=VISIBLE,
            now=NOW,
        )


async def stored_templates(sessionmaker: Sessions) -> list[MeetupTemplate]:
    async with sessionmaker() as s:
        return list((await s.scalars(select(MeetupTemplate).order_by(MeetupTemplate.id))).all())


async def test_a_template_keeps_the_meetups_fields_but_not_its_time(sessionmaker: Sessions) -> None:
    meetup = await rich_meetup(sessionmaker)
    saved = await save(sessionmaker, "  Paper   club ", meetup.id)
    assert (saved.replaced, saved.meetup_id) == (False, meetup.id)
    [kept] = await stored_templates(sessionmaker)
    assert (kept.guild_id, kept.name, kept.name_key) == (GUILD, "Paper club", "paper club")
    assert (kept.title, kept.description, kept.location, kept.capacity) == (
        "Paper club",
        "This week: ViT",
        "Room 301",
        12,
    )
    assert (kept.duration_minutes, kept.reminder_offsets, kept.remind_maybe, kept.channel_id) == (
        90,
        "1440,15",
        True,
        CHANNEL,
    )
    # A meetup that does not repeat gives no rule to keep (test_template_repeat.py: one that does).
    assert (kept.repeat_kind, kept.repeat_count) == (None, None)
    assert (kept.created_by, kept.created_at, kept.updated_at) == (ORGANIZER.user_id, NOW, NOW)
    async with sessionmaker() as s:
        [entry] = (await s.scalars(select(AuditLogEntry).where(AuditLogEntry.action == "template.save"))).all()
    assert entry.target == f"template:{kept.id}" and entry.actor_id == ORGANIZER.user_id
    assert entry.details == {"name": "Paper club", "replaced": False, "meetup_id": meetup.id, "title": "Paper club"}


async def test_saving_a_name_again_in_any_case_replaces_that_template(sessionmaker: Sessions) -> None:
    first = await make_meetup(sessionmaker, title="Karaoke night", capacity=30)
    second = await rich_meetup(sessionmaker)
    await save(sessionmaker, "Friday", first.id)
    later = NOW + timedelta(hours=1)
    async with sessionmaker() as s, s.begin():
        again = await templates.save_template(
            s,
            guild_id=GUILD,
            actor=ORGANIZER,
            name="FRIDAY",
            meetup_id=second.id,
            visible_channel_ids=VISIBLE,
            now=later,
        )
    assert again.replaced
    [kept] = await stored_templates(sessionmaker)
    assert (kept.name, kept.title, kept.capacity, kept.duration_minutes) == ("FRIDAY", "Paper club", 12, 90)
    assert (kept.created_at, kept.updated_at) == (NOW, later)
    async with sessionmaker() as s:
        replaced = (await s.scalars(select(AuditLogEntry.details).where(AuditLogEntry.action == "template.save"))).all()
    assert [d["replaced"] for d in replaced] == [False, True]


async def test_two_organizers_saving_one_new_name_at_once_make_one_template(db: Database) -> None:
    first = await make_meetup(db.sessionmaker, title="Karaoke night")
    second = await make_meetup(db.sessionmaker, title="Board games")

    async def save_at_once(meetup_id: int) -> bool:
        async with db.transaction() as s:
            saved = await templates.save_template(
                s,
                guild_id=GUILD,
                actor=ORGANIZER,
                name="Weekly",
                meetup_id=meetup_id,
                visible_channel_ids=VISIBLE,
                now=NOW,
            )
            await asyncio.sleep(0.05)  # both are inside their transactions together where the database lets them
            return saved.replaced

    replaced = await asyncio.gather(save_at_once(first.id), save_at_once(second.id))
    assert sorted(replaced) == [False, True]
    [kept] = await stored_templates(db.sessionmaker)
    assert kept.title in {"Karaoke night", "Board games"}


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("   ", "Give the template a name of 1 to 50 characters."),
        ("x" * 51, "A template's name can be at most 50 characters; `" + "x" * 51 + "` has 51."),
    ],
)
async def test_a_name_must_be_1_to_50_characters(sessionmaker: Sessions, name: str, says: str) -> None:
    meetup = await make_meetup(sessionmaker)
    with pytest.raises(InvalidInput) as refused:
        await save(sessionmaker, name, meetup.id)
    assert refused.value.user_message == says
    assert await stored_templates(sessionmaker) == []
    assert len((await save(sessionmaker, "y" * 50, meetup.id)).template.name) == 50


async def test_names_are_unique_per_server_only(sessionmaker: Sessions) -> None:
    here = await make_meetup(sessionmaker, title="Here")
    there = await make_meetup(sessionmaker, title="There", guild_id=OTHER_GUILD)
    await save(sessionmaker, "Coffee", here.id)
    assert not (await save(sessionmaker, "coffee", there.id, guild_id=OTHER_GUILD)).replaced
    async with sessionmaker() as s:
        ours = await templates.get_template(s, guild_id=GUILD, actor=ORGANIZER, name="COFFEE")
        theirs = await templates.get_template(s, guild_id=OTHER_GUILD, actor=ORGANIZER, name="Coffee")
        listed = await templates.list_templates(s, guild_id=GUILD, actor=ORGANIZER)
    assert (ours.title, theirs.title) == ("Here", "There")
    assert [t.title for t in listed] == ["Here"]


async def test_a_meetup_of_another_server_or_a_hidden_channel_is_not_found(sessionmaker: Sessions) -> None:
    elsewhere = await make_meetup(sessionmaker, guild_id=OTHER_GUILD)
    hidden = await make_meetup(sessionmaker)
    with pytest.raises(MeetupNotFound):
        await save(sessionmaker, "Elsewhere", elsewhere.id)
    async with sessionmaker() as s:
        with pytest.raises(MeetupNotFound) as refused:
            await templates.save_template(
                s,
                guild_id=GUILD,
                actor=ORGANIZER,
                name="Hidden",
                meetup_id=hidden.id,
                visible_channel_ids=set(),
                now=NOW,
            )
    assert refused.value.user_message == f"I can't find meetup #{hidden.id} in this server."
    assert await stored_templates(sessionmaker) == []


async def test_an_unknown_template_is_named_with_where_to_look(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s:
        for attempt in (
            templates.get_template(s, guild_id=GUILD, actor=ORGANIZER, name="Brunch"),
            templates.delete_template(s, guild_id=GUILD, actor=ORGANIZER, name="Brunch"),
            templates.fill_from_template(s, guild_id=GUILD, actor=ORGANIZER, name="Brunch", typed=MeetupInput()),
        ):
            with pytest.raises(TemplateNotFound) as refused:
                await attempt
            assert refused.value.user_message == (
                "There is no template named `Brunch` in this server. "
                "See the server's templates with `/meetup template list`."
            )


async def test_delete_removes_the_template_and_is_audited(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    saved = await save(sessionmaker, "Karaoke", meetup.id)
    async with sessionmaker() as s, s.begin():
        deleted = await templates.delete_template(s, guild_id=GUILD, actor=ORGANIZER, name=" karaoke ")
    assert deleted.name == "Karaoke"
    assert await stored_templates(sessionmaker) == []
    async with sessionmaker() as s:
        entry = await s.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "template.delete"))
    assert entry is not None and entry.target == f"template:{saved.template.id}"
    assert entry.details == {"name": "Karaoke", "title": "Karaoke night"}
    async with sessionmaker() as s:
        meetup_after = await s.get(Meetup, meetup.id)
    assert meetup_after is not None  # the meetup it came from is untouched


async def test_members_who_are_not_organizers_may_not_use_templates(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await save(sessionmaker, "Karaoke", meetup.id)
    async with sessionmaker() as s:
        for attempt in (
            templates.save_template(
                s, guild_id=GUILD, actor=MEMBER, name="Mine", meetup_id=meetup.id, visible_channel_ids=VISIBLE, now=NOW
            ),
            templates.list_templates(s, guild_id=GUILD, actor=MEMBER),
            templates.get_template(s, guild_id=GUILD, actor=MEMBER, name="Karaoke"),
            templates.delete_template(s, guild_id=GUILD, actor=MEMBER, name="Karaoke"),
            templates.fill_from_template(s, guild_id=GUILD, actor=MEMBER, name="Karaoke", typed=MeetupInput()),
            templates.fill_from_meetup(
                s, guild_id=GUILD, actor=MEMBER, meetup_id=meetup.id, typed=MeetupInput(), visible_channel_ids=VISIBLE
            ),
        ):
            with pytest.raises(NotOrganizer):
                await attempt
        assert await templates.search_templates(s, guild_id=GUILD, actor=MEMBER, text="") == []
    assert [t.name for t in await stored_templates(sessionmaker)] == ["Karaoke"]


async def test_search_finds_names_by_any_part_whatever_the_case(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    for name in ("Weekly coffee", "Coffee 50%", "Board games"):
        await save(sessionmaker, name, meetup.id)

    async def found(text: str) -> list[str]:
        async with sessionmaker() as s:
            return [t.name for t in await templates.search_templates(s, guild_id=GUILD, actor=ORGANIZER, text=text)]

    assert await found("") == ["Board games", "Coffee 50%", "Weekly coffee"]
    assert await found("COFFEE") == ["Coffee 50%", "Weekly coffee"]
    assert await found("0%") == ["Coffee 50%"]  # % is a character here, not a wildcard
    assert await found("_") == []


async def test_a_template_fills_what_was_not_typed_and_the_typed_values_win(sessionmaker: Sessions) -> None:
    meetup = await rich_meetup(sessionmaker)
    await save(sessionmaker, "Paper club", meetup.id)
    typed = MeetupInput(when="2026-12-12 19:00", capacity=20, where="-", locale="en-US")
    async with sessionmaker() as s, s.begin():
        filled = await templates.fill_from_template(s, guild_id=GUILD, actor=ORGANIZER, name="paper CLUB", typed=typed)
        assert filled == Prefilled(
            MeetupInput(
                title="Paper club",
                when="2026-12-12 19:00",
                where="-",  # typed: it clears the template's place
                description="This week: ViT",
                capacity=20,
                duration="1h30m",
                reminders="24h, 15m",
                remind_maybe=True,
                locale="en-US",
            ),
            channel_id=CHANNEL,
        )
        created = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=filled.typed,
            default_timezone="Europe/Berlin",
            now=NOW,
        )
    assert (created.title, created.location, created.description, created.capacity) == (
        "Paper club",
        None,
        "This week: ViT",
        20,
    )
    assert created.ends_at - created.starts_at == timedelta(minutes=90)
    assert (created.reminder_offsets, created.remind_maybe, created.timezone) == ("1440,15", True, "Europe/Berlin")


async def test_a_template_without_reminders_makes_a_meetup_without_them(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s, s.begin():
        quiet = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Quiet", when="2026-12-05 19:00", reminders="none"),
            default_timezone="UTC",
            now=NOW,
        )
    await save(sessionmaker, "Quiet", quiet.id)
    async with sessionmaker() as s:
        filled = await templates.fill_from_template(
            s, guild_id=GUILD, actor=ORGANIZER, name="Quiet", typed=MeetupInput(when="2026-12-12 19:00")
        )
    assert (filled.typed.reminders, filled.typed.remind_maybe) == ("none", False)


async def test_a_duplicate_takes_the_earlier_meetups_fields_and_reads_the_time_in_its_zone(
    sessionmaker: Sessions,
) -> None:
    meetup = await rich_meetup(sessionmaker)
    async with sessionmaker() as s, s.begin():
        filled = await templates.fill_from_meetup(
            s,
            guild_id=GUILD,
            actor=ORGANIZER,
            meetup_id=meetup.id,
            typed=MeetupInput(when="2026-12-12 19:00"),
            visible_channel_ids=VISIBLE,
        )
        assert (filled.channel_id, filled.zone, filled.typed.title) == (CHANNEL, "Asia/Seoul", "Paper club")
        copy = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=filled.typed,
            default_timezone="UTC",
            now=NOW,
            zone=filled.zone,
        )
    assert copy.id != meetup.id and copy.series_id == copy.id
    assert copy.starts_at - meetup.starts_at == timedelta(days=7)  # 19:00 in Seoul again
    assert (copy.title, copy.location, copy.description, copy.capacity, copy.timezone) == (
        meetup.title,
        meetup.location,
        meetup.description,
        meetup.capacity,
        "Asia/Seoul",
    )
    assert (copy.ends_at - copy.starts_at, copy.reminder_offsets, copy.remind_maybe) == (
        meetup.ends_at - meetup.starts_at,
        meetup.reminder_offsets,
        meetup.remind_maybe,
    )


async def test_a_meetup_needs_a_title_from_the_command_or_a_template(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s:
        with pytest.raises(InvalidInput) as refused:
            await create_meetup(
                s,
                guild_id=GUILD,
                channel_id=CHANNEL,
                actor=ORGANIZER,
                typed=MeetupInput(when="2026-12-05 19:00"),
                default_timezone="UTC",
                now=NOW,
            )
    assert refused.value.user_message.startswith("A meetup needs a title")
