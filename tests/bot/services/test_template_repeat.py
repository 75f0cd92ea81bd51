"""Templates keep the repeat rule of a meetup of a recurring series (its kind, and its number of
meetups when it has one), and a meetup made from one repeats by it unless the command gives its own
repeat options: what is typed wins."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import MeetupTemplate
from bot.services import recurring_series, templates
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup
from bot.services.recurring_series import RepeatRequest
from bot.services.templates import KeptRule, with_kept_rule
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER, make_meetup

Sessions = async_sessionmaker[AsyncSession]


async def saved_rule(sessionmaker: Sessions, repeat: RepeatRequest | None) -> tuple[str | None, int | None]:
    """The rule a template keeps of a meetup created with `repeat`."""
    async with sessionmaker() as s, s.begin():
        meetup = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Paper club", when="2026-12-03 19:00", timezone="Europe/Berlin"),
            default_timezone="UTC",
            now=NOW,
        )
        if repeat is not None:
            await recurring_series.start_series(s, meetup=meetup, request=repeat, locale=None, now=NOW)
    async with sessionmaker() as s, s.begin():
        saved = await templates.save_template(
            s, guild_id=GUILD, actor=ORGANIZER, name="Club", meetup_id=meetup.id, visible_channel_ids={CHANNEL}, now=NOW
        )
        return saved.template.repeat_kind, saved.template.repeat_count


@pytest.mark.parametrize(
    ("repeat", "kept"),
    [
        (RepeatRequest("every 2 weeks", count=10), ("every 2 weeks", 10)),
        # An end date belongs to the series it ended: the template runs until stopped.
        (RepeatRequest("monthly on the weekday", until="2027-06-30"), ("monthly on the weekday", None)),
        (RepeatRequest("weekly"), ("weekly", None)),
        (None, (None, None)),
    ],
)
async def test_a_template_keeps_the_kind_and_count_of_its_meetups_series(
    sessionmaker: Sessions, repeat: RepeatRequest | None, kept: tuple[str | None, int | None]
) -> None:
    assert await saved_rule(sessionmaker, repeat) == kept


async def test_saving_a_one_off_over_a_repeating_template_takes_its_rule_away(sessionmaker: Sessions) -> None:
    await saved_rule(sessionmaker, RepeatRequest("weekly", count=6))
    one_off = await make_meetup(sessionmaker)
    async with sessionmaker() as s, s.begin():
        await templates.save_template(
            s,
            guild_id=GUILD,
            actor=ORGANIZER,
            name="club",
            meetup_id=one_off.id,
            visible_channel_ids={CHANNEL},
            now=NOW,
        )
    async with sessionmaker() as s:
        [template] = (await s.scalars(select(MeetupTemplate))).all()
    assert (template.repeat_kind, template.repeat_count) == (None, None)


async def test_the_template_fills_the_rule_only_where_nothing_was_typed(sessionmaker: Sessions) -> None:
    await saved_rule(sessionmaker, RepeatRequest("every 2 weeks", count=10))
    async with sessionmaker() as s:
        filled = await templates.fill_from_template(
            s, guild_id=GUILD, actor=ORGANIZER, name="club", typed=MeetupInput(when="2027-01-07 19:00")
        )
    assert filled.rule == KeptRule("every 2 weeks", 10)


@pytest.mark.parametrize(
    ("typed", "made"),
    [
        (RepeatRequest(), RepeatRequest("every 2 weeks", None, 10)),
        (RepeatRequest("weekly"), RepeatRequest("weekly", None, 10)),
        # A typed end replaces the template's: a series ends on a date or after a number, not both.
        (RepeatRequest(until="2027-06-30"), RepeatRequest("every 2 weeks", "2027-06-30", None)),
        (RepeatRequest("monthly on the date", count=3), RepeatRequest("monthly on the date", None, 3)),
    ],
)
def test_what_is_typed_wins_over_the_templates_rule(typed: RepeatRequest, made: RepeatRequest) -> None:
    assert with_kept_rule(typed, KeptRule("every 2 weeks", 10)) == made


def test_a_template_without_a_rule_leaves_the_typed_options_as_they_are() -> None:
    typed = RepeatRequest(until="2027-06-30")
    assert with_kept_rule(typed, None) is typed
