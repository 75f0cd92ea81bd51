"""Meetups: creating, editing, cancelling and finding them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildSettings, Meetup, MeetupStatus, Rsvp, RsvpStatus
from bot.services import meetup_input as check
from bot.services.audit import record_action
from bot.services.date_order import DateOrder
from bot.services.errors import CapacityTooLow, InvalidInput, MeetupClosed
from bot.services.guild_settings import date_order_for, get_guild_config
from bot.services.meetup_input import MeetupInput
from bot.services.meetup_lookup import lock_meetup
from bot.services.organizers import Actor, is_organizer, require_organizer
from bot.services.record_numbers import typed_record_number
from bot.services.reminder_offsets import parse_offsets, stored_offsets
from bot.services.reminders import drop_pending, plan_meetup_reminders
from bot.services.rsvps import count_going, promote_from_waitlist
from bot.services.timezones import resolve_timezone

AUTOCOMPLETE_LIMIT = 25
LIST_LIMIT = 25


@dataclass(frozen=True, slots=True)
class MeetupChange:
    """An edited meetup, and who must hear of it."""

    meetup: Meetup
    changed_fields: tuple[str, ...]
    time_changed: bool
    promoted_user_ids: tuple[int, ...]
    # Going and maybe members, to be pinged once when the time moved.
    notify_user_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MeetupCancellation:
    meetup: Meetup
    notify_user_ids: tuple[int, ...]


async def organizer_role_of(session: AsyncSession, guild_id: int) -> int | None:
    return await session.scalar(select(GuildSettings.organizer_role_id).where(GuildSettings.guild_id == guild_id))


async def guild_timezone(session: AsyncSession, guild_id: int, default_timezone: str) -> str:
    zone = await session.scalar(select(GuildSettings.timezone).where(GuildSettings.guild_id == guild_id))
    return zone or default_timezone


async def require_guild_organizer(session: AsyncSession, *, guild_id: int, actor: Actor) -> None:
    require_organizer(actor, await organizer_role_of(session, guild_id))


async def is_guild_organizer(session: AsyncSession, *, guild_id: int, actor: Actor) -> bool:
    return is_organizer(actor, await organizer_role_of(session, guild_id))


async def create_meetup(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    actor: Actor,
    typed: MeetupInput,
    default_timezone: str,
    now: datetime,
    series_id: int | None = None,
) -> Meetup:
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    if typed.title is None or typed.when is None:
        raise InvalidInput("A meetup needs a title and a time.")
    config = await get_guild_config(session, guild_id=guild_id, default_timezone=default_timezone)
    zone = typed.timezone or config.timezone
    start = check.check_start(
        typed.when,
        zone=zone,
        now=now,
        date_order=config.reading_order(typed.locale),
        zone_is_chosen=typed.timezone is not None,
    )
    offsets = parse_offsets(typed.reminders) if typed.reminders is not None else config.reminder_offsets
    return await insert_meetup(
        session,
        guild_id=guild_id,
        channel_id=channel_id,
        actor=actor,
        title=check.check_title(typed.title),
        description=check.check_optional_text(typed.description, what="description", limit=check.DESCRIPTION_MAX),
        location=check.check_optional_text(typed.where, what="place", limit=check.WHERE_MAX),
        starts_at=start.instant,
        duration=check.check_duration(typed.duration),
        zone=start.zone,
        capacity=check.check_capacity(typed.capacity),
        series_id=series_id,
        reminders=MeetupReminders(offsets, bool(typed.remind_maybe), config.nudge_minutes),
        now=now,
    )


@dataclass(frozen=True, slots=True)
class MeetupReminders:
    offsets: tuple[int, ...]  # minutes before the start
    remind_maybe: bool
    nudge_minutes: int  # 0: no nudge


async def insert_meetup(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    actor: Actor,
    title: str,
    description: str | None,
    location: str | None,
    starts_at: datetime,
    duration: timedelta,
    zone: str,
    capacity: int | None,
    series_id: int | None,
    reminders: MeetupReminders,
    now: datetime,
    followup_of: int | None = None,
) -> Meetup:
    """Store a meetup from values already checked (by `create_meetup` or a poll's finalize),
    with its reminders planned."""
    meetup = Meetup(
        guild_id=guild_id,
        channel_id=channel_id,
        title=title,
        description=description,
        location=location,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        timezone=zone,
        capacity=capacity,
        status=MeetupStatus.SCHEDULED,
        created_by=actor.user_id,
        series_id=series_id,
        followup_of=followup_of,
        reminder_offsets=stored_offsets(reminders.offsets),
        remind_maybe=reminders.remind_maybe,
    )
    session.add(meetup)
    await session.flush()
    if meetup.series_id is None:
        meetup.series_id = meetup.id  # a meetup starts its own series; follow-ups join it
    await plan_meetup_reminders(session, meetup, nudge_minutes=reminders.nudge_minutes, now=now)
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="meetup.create",
        target=f"meetup:{meetup.id}",
        details={"title": meetup.title, "starts_at": meetup.starts_at.isoformat(), "capacity": meetup.capacity},
    )
    return meetup


async def edit_meetup(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    typed: MeetupInput,
    default_timezone: str,
    now: datetime,
) -> MeetupChange:
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    _require_editable(meetup)
    before = {f: getattr(meetup, f) for f in ("title", "description", "location", "starts_at", "ends_at", "capacity")}
    if typed.title is not None:
        meetup.title = check.check_title(typed.title)
    if typed.description is not None:
        meetup.description = check.check_optional_text(
            typed.description, what="description", limit=check.DESCRIPTION_MAX
        )
    if typed.where is not None:
        meetup.location = check.check_optional_text(typed.where, what="place", limit=check.WHERE_MAX)
    order = await date_order_for(session, guild_id=guild_id, locale=typed.locale)
    _apply_new_time(meetup, typed, now=now, date_order=order)
    reminders_changed = _apply_reminder_choices(meetup, typed)
    promoted: list[int] = []
    if typed.capacity is not None:
        promoted = await _apply_new_capacity(session, meetup, check.check_capacity(typed.capacity), now=now)
    changed = tuple(f for f, old in before.items() if getattr(meetup, f) != old)
    if typed.timezone is not None and "starts_at" not in changed:
        changed += ("timezone",)
    time_changed = "starts_at" in changed
    if reminders_changed:
        changed += ("reminders",)
    if time_changed or reminders_changed:
        config = await get_guild_config(session, guild_id=guild_id, default_timezone=default_timezone)
        await plan_meetup_reminders(session, meetup, nudge_minutes=config.nudge_minutes, now=now)
    notify = await _user_ids_with(session, meetup.id, (RsvpStatus.GOING, RsvpStatus.MAYBE)) if time_changed else ()
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="meetup.edit",
        target=f"meetup:{meetup.id}",
        details={f: _jsonable(before[f]) for f in changed if f in before} | {"changed": list(changed)},
    )
    await session.flush()
    return MeetupChange(meetup, changed, time_changed, tuple(promoted), tuple(notify))


def _apply_new_time(meetup: Meetup, typed: MeetupInput, *, now: datetime, date_order: DateOrder) -> None:
    duration = meetup.ends_at - meetup.starts_at
    if typed.timezone is not None:
        meetup.timezone = resolve_timezone(typed.timezone)
    if typed.when is not None:
        start = check.check_start(
            typed.when, zone=meetup.timezone, now=now, date_order=date_order, zone_is_chosen=typed.timezone is not None
        )
        meetup.starts_at, meetup.timezone = start.instant, start.zone
    if typed.duration is not None:
        duration = check.check_duration(typed.duration)
    meetup.ends_at = meetup.starts_at + duration


def _apply_reminder_choices(meetup: Meetup, typed: MeetupInput) -> bool:
    before = (meetup.reminder_offsets, meetup.remind_maybe)
    if typed.reminders is not None:
        meetup.reminder_offsets = stored_offsets(parse_offsets(typed.reminders))
    if typed.remind_maybe is not None:
        meetup.remind_maybe = typed.remind_maybe
    return (meetup.reminder_offsets, meetup.remind_maybe) != before


async def _apply_new_capacity(
    session: AsyncSession, meetup: Meetup, capacity: int | None, *, now: datetime
) -> list[int]:
    going = await count_going(session, meetup.id)
    if capacity is not None and capacity < going:
        raise CapacityTooLow(
            f"{going} members are already going, so the capacity can't go down to {capacity}: nobody is "
            "dropped from a meetup without being asked. Raise it, or ask members to step back first."
        )
    meetup.capacity = capacity
    return await promote_from_waitlist(session, meetup, now=now)


async def cancel_meetup(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, reason: str | None, now: datetime
) -> MeetupCancellation:
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    if meetup.status == MeetupStatus.CANCELLED:
        raise MeetupClosed(f"Meetup #{meetup.id} is already cancelled.")
    meetup.status = MeetupStatus.CANCELLED
    meetup.cancel_reason = check.check_optional_text(reason, what="reason", limit=check.WHERE_MAX)
    notify = await _user_ids_with(session, meetup.id, (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLISTED))
    await drop_pending(session, meetup_id=meetup.id, reason="the meetup was cancelled")
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="meetup.cancel",
        target=f"meetup:{meetup.id}",
        details={"reason": meetup.cancel_reason},
    )
    await session.flush()
    return MeetupCancellation(meetup, tuple(notify))


async def record_message(session: AsyncSession, *, meetup_id: int, message_id: int) -> None:
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None:
        meetup.message_id = message_id
        meetup.message_missing = False


async def record_shown_phase(session: AsyncSession, *, meetup_id: int, phase: str) -> None:
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None:
        meetup.shown_phase = phase


async def mark_message_missing(session: AsyncSession, *, meetup_id: int) -> None:
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None:
        meetup.message_missing = True


async def mark_channel_missing(session: AsyncSession, *, channel_id: int) -> list[int]:
    """Every meetup whose channel was deleted; returns their ids."""
    meetups = (await session.scalars(select(Meetup).where(Meetup.channel_id == channel_id))).all()
    for meetup in meetups:
        meetup.message_missing = True
    return [m.id for m in meetups]


async def list_upcoming(
    session: AsyncSession,
    *,
    guild_id: int,
    now: datetime,
    visible_channel_ids: Collection[int],
    limit: int = LIST_LIMIT,
) -> list[Meetup]:
    """Scheduled meetups in the server that have not ended, soonest first, in the channels the
    asking member can view."""
    return list(
        (
            await session.scalars(
                select(Meetup)
                .where(
                    Meetup.guild_id == guild_id,
                    Meetup.status == MeetupStatus.SCHEDULED,
                    Meetup.ends_at > now,
                    Meetup.channel_id.in_(visible_channel_ids),
                )
                .order_by(Meetup.starts_at, Meetup.id)
                .limit(limit)
            )
        ).all()
    )


async def search_meetups(
    session: AsyncSession,
    *,
    guild_id: int,
    text: str,
    now: datetime,
    visible_channel_ids: Collection[int],
    include_past: bool = False,
) -> list[Meetup]:
    """Meetups for the autocomplete of a `meetup` option, by number or words of the title, only in
    the channels the asking member can view: nothing of a hidden channel is ever suggested."""
    query = select(Meetup).where(Meetup.guild_id == guild_id, Meetup.channel_id.in_(visible_channel_ids))
    if not include_past:
        query = query.where(Meetup.status == MeetupStatus.SCHEDULED, Meetup.ends_at > now)
    needle = text.strip().lstrip("#")
    if needle.isdecimal():
        number = typed_record_number(needle)
        if number is None:
            return []
        query = query.where(Meetup.id == number)
    elif needle:
        query = query.where(Meetup.title.ilike(f"%{_escape_like(needle)}%", escape="\\"))
    order = Meetup.starts_at.desc() if include_past else Meetup.starts_at
    return list((await session.scalars(query.order_by(order).limit(AUTOCOMPLETE_LIMIT))).all())


async def my_upcoming(
    session: AsyncSession, *, guild_id: int, user_id: int, now: datetime
) -> list[tuple[Meetup, Rsvp]]:
    rows = await session.execute(
        select(Meetup, Rsvp)
        .join(Rsvp, Rsvp.meetup_id == Meetup.id)
        .where(
            Meetup.guild_id == guild_id,
            Rsvp.user_id == user_id,
            Meetup.status == MeetupStatus.SCHEDULED,
            Meetup.ends_at > now,
        )
        .order_by(Meetup.starts_at, Meetup.id)
        .limit(LIST_LIMIT)
    )
    return [(m, r) for m, r in rows.all()]


def _require_editable(meetup: Meetup) -> None:
    if meetup.status == MeetupStatus.CANCELLED:
        raise MeetupClosed(f"Meetup #{meetup.id} was cancelled; it can't be edited.")


async def _user_ids_with(session: AsyncSession, meetup_id: int, statuses: tuple[RsvpStatus, ...]) -> list[int]:
    rows = await session.scalars(
        select(Rsvp.user_id)
        .where(Rsvp.meetup_id == meetup_id, Rsvp.status.in_(statuses))
        .order_by(Rsvp.status_changed_at, Rsvp.id)
    )
    return list(rows.all())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


async def record_scheduled_event(session: AsyncSession, *, meetup_id: int, event_id: int) -> None:
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None:
        meetup.scheduled_event_id = event_id


async def discard_unposted(session: AsyncSession, *, meetup_id: int) -> None:
    """Remove a meetup whose message could not be posted, so no half-made meetup stays behind."""
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None and meetup.message_id is None:
        await session.delete(meetup)


async def going_counts(session: AsyncSession, meetup_ids: list[int]) -> dict[int, int]:
    if not meetup_ids:
        return {}
    rows = await session.execute(
        select(Rsvp.meetup_id, func.count())
        .where(Rsvp.meetup_id.in_(meetup_ids), Rsvp.status == RsvpStatus.GOING)
        .group_by(Rsvp.meetup_id)
    )
    return {meetup_id: int(count) for meetup_id, count in rows.all()}


async def meetup_id_for_message(session: AsyncSession, *, message_id: int) -> int | None:
    return await session.scalar(select(Meetup.id).where(Meetup.message_id == message_id))
