"""Meetup templates: a meetup's fields kept under a name, and new meetups made from them.

A template keeps what a meetup is (title, description, place, capacity, length, reminders,
guests, an answer cut-off before the start, channel and repeat rule), not when it is: `/meetup
create template:` fills what the organizer did not type from it, and `/meetup duplicate` does the
same from an earlier meetup. The fields are filled in as if typed, so they pass the same checks as
a typed meetup (`check_meetup_input`) under today's limits; a `-` typed for the place or
description still clears it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupTemplate, RecurringSeries
from bot.db.upsert import insert_if_absent
from bot.services.audit import record_action
from bot.services.durations import format_duration
from bot.services.errors import InvalidInput, MeetupNotFound, NotFound
from bot.services.guild_settings import is_guild_organizer, require_guild_organizer
from bot.services.meetup_input import MeetupInput
from bot.services.meetup_lookup import get_meetup
from bot.services.organizers import Actor
from bot.services.recurring_series import RepeatRequest
from bot.services.reminder_offsets import describe_offsets, offsets_from_storage
from bot.services.typed_text import quote

NAME_MAX = 50
AUTOCOMPLETE_LIMIT = 25
T = TypeVar("T")


class TemplateNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"There is no template named {quote(name, NAME_MAX + 10)} in this server. "
            "See the server's templates with `/meetup template list`."
        )


@dataclass(frozen=True, slots=True)
class SavedTemplate:
    template: MeetupTemplate
    meetup_id: int  # the meetup its fields came from
    replaced: bool  # a template of that name was there before and now keeps these fields


@dataclass(frozen=True, slots=True)
class KeptRule:
    """A template's repeat rule: its kind (a RepeatKind value) and its number of meetups (None:
    until stopped). The first start is each use's `when`; an end date belonged to the series the
    template was saved from, so a series that ended on a date is kept as one until stopped."""

    kind: str
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Prefilled:
    """What the organizer typed for a new meetup, with the gaps filled from a template or an
    earlier meetup, and the channel that one names (None: nothing named one)."""

    typed: MeetupInput
    channel_id: int | None
    zone: str | None = None  # the zone `when` is read in when none was typed; None: the server's
    rule: KeptRule | None = None  # the template's repeat rule; None: it has none (or no template)


def with_kept_rule(typed: RepeatRequest, kept: KeptRule | None) -> RepeatRequest:
    """The repeat options of a meetup made from a template: what was typed wins. A typed `repeat`
    replaces the template's kind; a typed end (`repeat_until` or `repeat_count`) replaces its count,
    so a template of ten meetups made to run until a date does not carry both ends."""
    if kept is None:
        return typed
    typed_end = typed.until is not None or typed.count is not None
    return RepeatRequest(
        typed.repeat or kept.kind,
        typed.until,
        typed.count if typed_end else kept.count,
    )


def check_template_name(name: str) -> str:
    """The name as kept: spaces trimmed and runs of them made one, 1 to 50 characters."""
    cleaned = _cleaned(name)
    if not cleaned:
        raise InvalidInput(f"Give the template a name of 1 to {NAME_MAX} characters.")
    if len(cleaned) > NAME_MAX:
        raise InvalidInput(
            f"A template's name can be at most {NAME_MAX} characters; {quote(cleaned)} has {len(cleaned)}."
        )
    return cleaned


def name_key(name: str) -> str:
    """How names are told apart: as members read them, whatever the case (`Coffee` is `coffee`)."""
    return _cleaned(name).casefold()


def _cleaned(name: str) -> str:
    # NFC: an accent typed as its own mark and the accented letter are one name.
    return unicodedata.normalize("NFC", " ".join(name.split()))


async def save_template(
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    name: str,
    meetup_id: int,
    visible_channel_ids: Collection[int],
    now: datetime,
) -> SavedTemplate:
    """Keep the meetup's fields under `name`; a template of that name is replaced."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    cleaned = check_template_name(name)
    meetup = await _visible_meetup(session, guild_id, meetup_id, visible_channel_ids)
    fields = asdict(_fields_of(meetup))
    rule = await _rule_of(session, meetup)
    fields.update(repeat_kind=rule.kind if rule else None, repeat_count=rule.count if rule else None)
    key = name_key(cleaned)
    # Inserted, or found and locked: two organizers saving one name at once make one template,
    # the later save replacing the earlier, instead of one of them failing on the unique key.
    inserted = await insert_if_absent(
        session,
        MeetupTemplate,
        guild_id=guild_id,
        name=cleaned,
        name_key=key,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
        **fields,
    )
    template = await _locked_template(session, guild_id, key)
    assert template is not None  # inserted just above, or there already
    if not inserted:
        template.name = cleaned  # the latest spelling is the one shown
        for field, value in fields.items():
            setattr(template, field, value)
        template.updated_at = now
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="template.save",
        target=f"template:{template.id}",
        details={"name": cleaned, "replaced": not inserted, "meetup_id": meetup.id, "title": meetup.title},
    )
    await session.flush()
    return SavedTemplate(template, meetup.id, replaced=not inserted)


async def list_templates(session: AsyncSession, *, guild_id: int, actor: Actor) -> list[MeetupTemplate]:
    """The server's templates by name."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    rows = await session.scalars(
        select(MeetupTemplate).where(MeetupTemplate.guild_id == guild_id).order_by(MeetupTemplate.name_key)
    )
    return list(rows.all())


async def get_template(session: AsyncSession, *, guild_id: int, actor: Actor, name: str) -> MeetupTemplate:
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    template = await session.scalar(
        select(MeetupTemplate).where(MeetupTemplate.guild_id == guild_id, MeetupTemplate.name_key == name_key(name))
    )
    if template is None:
        raise TemplateNotFound(name)
    return template


async def delete_template(session: AsyncSession, *, guild_id: int, actor: Actor, name: str) -> MeetupTemplate:
    """Remove the template; meetups made from it keep their fields. Returns it as it was."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    template = await _locked_template(session, guild_id, name_key(name))
    if template is None:
        raise TemplateNotFound(name)
    await session.delete(template)
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="template.delete",
        target=f"template:{template.id}",
        details={"name": template.name, "title": template.title},
    )
    await session.flush()
    return template


async def search_templates(session: AsyncSession, *, guild_id: int, actor: Actor, text: str) -> list[MeetupTemplate]:
    """Templates whose name holds `text`, for autocomplete; none at all for a member who is not an
    organizer, since only organizers may use them."""
    if not await is_guild_organizer(session, guild_id=guild_id, actor=actor):
        return []
    query = select(MeetupTemplate).where(MeetupTemplate.guild_id == guild_id)
    needle = " ".join(text.split()).casefold()
    if needle:
        query = query.where(MeetupTemplate.name_key.contains(needle, autoescape=True))
    return list((await session.scalars(query.order_by(MeetupTemplate.name_key).limit(AUTOCOMPLETE_LIMIT))).all())


async def fill_from_template(
    session: AsyncSession, *, guild_id: int, actor: Actor, name: str, typed: MeetupInput
) -> Prefilled:
    """`typed` with what it leaves out taken from the template named."""
    template = await get_template(session, guild_id=guild_id, actor=actor, name=name)
    rule = KeptRule(template.repeat_kind, template.repeat_count) if template.repeat_kind else None
    return Prefilled(_filled(typed, template), template.channel_id, rule=rule)


async def fill_from_meetup(
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    meetup_id: int,
    typed: MeetupInput,
    visible_channel_ids: Collection[int],
) -> Prefilled:
    """`typed` with what it leaves out taken from an earlier meetup, whose zone reads `when`: a
    duplicate of a 19:00 Seoul meetup typed as `friday 19:00` is at 19:00 in Seoul again."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await _visible_meetup(session, guild_id, meetup_id, visible_channel_ids)
    return Prefilled(_filled(typed, _fields_of(meetup)), meetup.channel_id, zone=meetup.timezone)


class KeptFields(Protocol):
    """The fields a new meetup takes from a template or an earlier meetup."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def location(self) -> str | None: ...
    @property
    def capacity(self) -> int | None: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def reminder_offsets(self) -> str: ...
    @property
    def remind_maybe(self) -> bool: ...
    @property
    def guests(self) -> int: ...
    @property
    def answers_close_before(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class MeetupFields:
    """What a template keeps of a meetup, by the template's column names."""

    title: str
    description: str | None
    location: str | None
    capacity: int | None
    duration_minutes: int
    reminder_offsets: str  # as meetups store them: "1440,60"; "" none
    remind_maybe: bool
    guests: int
    answers_close_before: int | None  # minutes; a cut-off typed as a time is not kept
    channel_id: int
    repeat_kind: str | None  # a RepeatKind value; None: a one-off
    repeat_count: int | None


def _fields_of(meetup: Meetup) -> MeetupFields:
    return MeetupFields(
        title=meetup.title,
        description=meetup.description,
        location=meetup.location,
        capacity=meetup.capacity,
        duration_minutes=int((meetup.ends_at - meetup.starts_at).total_seconds() // 60),
        reminder_offsets=meetup.reminder_offsets,
        remind_maybe=meetup.remind_maybe,
        guests=meetup.guests,
        answers_close_before=meetup.answers_close_before,
        channel_id=meetup.channel_id,
        # The rule is the series' (see `_rule_of`): a meetup alone does not say it.
        repeat_kind=None,
        repeat_count=None,
    )


async def _rule_of(session: AsyncSession, meetup: Meetup) -> KeptRule | None:
    """The repeat rule a template keeps of a meetup of a recurring series: its kind, and its count
    if it ends after a number of meetups."""
    if meetup.recurring_series_id is None:
        return None
    series = await session.get(RecurringSeries, meetup.recurring_series_id)
    if series is None:
        return None
    return KeptRule(series.repeat_kind, series.count)


def _filled(typed: MeetupInput, source: KeptFields) -> MeetupInput:
    """What was typed wins; each field left out is written as an organizer would have typed it."""
    return replace(
        typed,
        title=_given(typed.title, source.title),
        description=_given(typed.description, source.description),
        where=_given(typed.where, source.location),
        capacity=_given(typed.capacity, source.capacity),
        duration=_given(typed.duration, format_duration(timedelta(minutes=source.duration_minutes))),
        reminders=_given(typed.reminders, describe_offsets(offsets_from_storage(source.reminder_offsets))),
        remind_maybe=_given(typed.remind_maybe, source.remind_maybe),
        guests=_given(typed.guests, source.guests or None),
        answers_close=_given(typed.answers_close, _offset_text(source.answers_close_before)),
    )


def _offset_text(minutes: int | None) -> str | None:
    return format_duration(timedelta(minutes=minutes)) if minutes is not None else None


def _given(typed: T | None, kept: T | None) -> T | None:
    return typed if typed is not None else kept


async def _visible_meetup(
    session: AsyncSession, guild_id: int, meetup_id: int, visible_channel_ids: Collection[int]
) -> Meetup:
    """The meetup, if the organizer may see its channel: one they cannot is 'not found', as in
    autocomplete, so its title is not theirs to copy."""
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    if meetup.channel_id not in visible_channel_ids:
        raise MeetupNotFound(meetup_id)
    return meetup


async def _locked_template(session: AsyncSession, guild_id: int, key: str) -> MeetupTemplate | None:
    return await session.scalar(
        select(MeetupTemplate)
        .where(MeetupTemplate.guild_id == guild_id, MeetupTemplate.name_key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
