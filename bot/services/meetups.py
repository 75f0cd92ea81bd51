"""Meetups: creating, editing, cancelling and finding them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, Meetup, MeetupStatus, Rsvp, RsvpStatus
from bot.services import lifecycle
from bot.services import meetup_input as check
from bot.services.answer_cutoff import follow_new_start, set_cutoff
from bot.services.audit import record_action
from bot.services.errors import CapacityTooLow, InvalidInput
from bot.services.guild_settings import get_guild_config, require_guild_organizer
from bot.services.lifecycle import Action, Standing
from bot.services.meetup_input import CheckedMeetup, MeetupInput
from bot.services.meetup_lookup import lock_meetup
from bot.services.organizers import Actor
from bot.services.record_numbers import typed_record_number
from bot.services.reminder_offsets import stored_offsets
from bot.services.reminders import drop_pending, plan_meetup_reminders
from bot.services.rsvps import count_going, promote_from_waitlist

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
    zone: str | None = None,
) -> Meetup:
    """`zone` reads `when` when no time zone was typed (an earlier meetup's, for a duplicate);
    None: the server's."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    if typed.when is None:
        raise InvalidInput("A meetup needs a time.")
    if typed.title is None:
        raise InvalidInput("A meetup needs a title: give one with `title`, or a `template` to take it from.")
    config = await get_guild_config(session, guild_id=guild_id, default_timezone=default_timezone)
    checked = check.check_meetup_input(
        typed, zone=zone or config.timezone, now=now, date_order=config.reading_order(typed.locale)
    )
    assert checked.title is not None and checked.start is not None  # both typed, as checked above
    offsets = checked.reminders if checked.reminders is not None else config.reminder_offsets
    meetup = await insert_meetup(
        session,
        guild_id=guild_id,
        channel_id=channel_id,
        actor=actor,
        title=checked.title,
        description=checked.description,
        location=checked.location,
        starts_at=checked.start.instant,
        duration=checked.duration or check.DEFAULT_DURATION,
        zone=checked.start.zone,
        capacity=checked.capacity,
        series_id=series_id,
        reminders=MeetupReminders(offsets, bool(checked.remind_maybe), config.nudge_minutes),
        now=now,
    )
    if checked.answers_close is not None:
        set_cutoff(meetup, checked.answers_close, now=now)
    meetup.guests = checked.guests or 0
    return meetup


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
    recurring_series_id: int | None = None,
    occurrence_index: int | None = None,
) -> Meetup:
    """Store a meetup from values already checked (by `create_meetup`, a poll's finalize or the
    next occurrence of a recurring series), with its reminders planned."""
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
        # Inserted with the link, so the unique (series, occurrence) key refuses a second one at once.
        recurring_series_id=recurring_series_id,
        occurrence_index=occurrence_index,
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
    # Over, closed or cancelled: nothing changes. Under way: the text, not the time (see lifecycle).
    lifecycle.require(meetup, Action.EDIT_TEXT, now=now)
    if check.fields_given(typed) - TEXT_FIELDS:
        lifecycle.require(meetup, Action.EDIT_TIME, now=now)
    config = await get_guild_config(session, guild_id=guild_id, default_timezone=default_timezone)
    checked = check.check_meetup_input(
        typed, zone=meetup.timezone, now=now, date_order=config.reading_order(typed.locale)
    )
    before = {f: getattr(meetup, f) for f in _COMPARED}
    for field in TEXT_FIELDS & checked.given:
        setattr(meetup, field, getattr(checked, field))
    _apply_new_time(meetup, checked)
    if checked.answers_close is not None:
        set_cutoff(meetup, checked.answers_close, now=now)
    elif checked.start is not None or "timezone" in checked.given:
        follow_new_start(meetup, now=now)
    reminders_changed = _apply_reminder_choices(meetup, checked)
    if checked.guests is not None:
        await _apply_new_guests(session, meetup, checked.guests)
    promoted: list[int] = []
    if "capacity" in checked.given:
        promoted = await _apply_new_capacity(session, meetup, checked.capacity, now=now)
    elif "answers_close" in checked.given:  # a cut-off moved on or cleared lets the waitlist move again
        promoted = await promote_from_waitlist(session, meetup, now=now)
    changed = tuple(f for f, old in before.items() if getattr(meetup, f) != old)
    if "timezone" in checked.given and "starts_at" not in changed:
        changed += ("timezone",)
    time_changed = "starts_at" in changed
    if time_changed or "ends_at" in changed:
        meetup.calendar_sequence += 1
    if reminders_changed:
        changed += ("reminders",)
    if time_changed or reminders_changed:
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


_COMPARED = ("title", "description", "location", "starts_at", "ends_at", "capacity", "answers_close_at", "guests")
# What may still change while a meetup is under way; everything else moves its time or its plan.
TEXT_FIELDS = frozenset({"title", "description", "location"})


def _apply_new_time(meetup: Meetup, checked: CheckedMeetup) -> None:
    duration = checked.duration or meetup.ends_at - meetup.starts_at
    if "timezone" in checked.given:
        meetup.timezone = checked.zone
    if checked.start is not None:
        meetup.starts_at, meetup.timezone = checked.start.instant, checked.start.zone
    meetup.ends_at = meetup.starts_at + duration


def _apply_reminder_choices(meetup: Meetup, checked: CheckedMeetup) -> bool:
    before = (meetup.reminder_offsets, meetup.remind_maybe)
    if checked.reminders is not None:
        meetup.reminder_offsets = stored_offsets(checked.reminders)
    if checked.remind_maybe is not None:
        meetup.remind_maybe = checked.remind_maybe
    return (meetup.reminder_offsets, meetup.remind_maybe) != before


async def _apply_new_capacity(
    session: AsyncSession, meetup: Meetup, capacity: int | None, *, now: datetime
) -> list[int]:
    going = await count_going(session, meetup.id)
    if capacity is not None and capacity < going:
        who = "people (members and their guests)" if meetup.guests else "members"
        raise CapacityTooLow(
            f"{going} {who} are already going, so the capacity can't go down to {capacity}: nobody is "
            "dropped from a meetup without being asked. Raise it, or ask members to step back first."
        )
    meetup.capacity = capacity
    return await promote_from_waitlist(session, meetup, now=now)


async def _apply_new_guests(session: AsyncSession, meetup: Meetup, guests: int) -> None:
    """Fewer guests than members already bring is refused: nobody's party is cut without asking."""
    bringing = (
        await session.execute(
            select(func.count(), func.max(Rsvp.guests)).where(
                Rsvp.meetup_id == meetup.id,
                Rsvp.status.in_((RsvpStatus.GOING, RsvpStatus.WAITLISTED)),
                Rsvp.guests > guests,
            )
        )
    ).one()
    if bringing[0]:
        members = "1 member brings" if bringing[0] == 1 else f"{bringing[0]} members bring"
        allowed = f"{guests} guest{'' if guests == 1 else 's'}"
        raise InvalidInput(
            f"{members} more than {allowed} (up to {bringing[1]}), so guests can't go down to {guests}: "
            "nobody's party is cut without asking. Ask them to choose a smaller party in the Guests menu first. "
            "Nothing was changed."
        )
    meetup.guests = guests


async def cancel_meetup(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, reason: str | None, now: datetime
) -> MeetupCancellation:
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(meetup, Action.CANCEL, now=now)
    meetup.status = MeetupStatus.CANCELLED
    meetup.cancel_reason = check.check_optional_text(reason, what="reason", limit=check.WHERE_MAX)
    meetup.calendar_sequence += 1
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


async def mark_message_missing(session: AsyncSession, *, meetup_id: int) -> bool:
    """Whether this marked it (False: it was marked before, or is gone)."""
    meetup = await session.get(Meetup, meetup_id)
    if meetup is None or meetup.message_missing:
        return False
    meetup.message_missing = True
    return True


async def mark_channel_missing(session: AsyncSession, *, channel_id: int) -> list[int]:
    """Every meetup whose channel was deleted; returns the ids of those not marked before."""
    meetups = (
        await session.scalars(select(Meetup).where(Meetup.channel_id == channel_id, ~Meetup.message_missing))
    ).all()
    for meetup in meetups:
        meetup.message_missing = True
    return [m.id for m in meetups]


async def list_upcoming(
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    now: datetime,
    visible_channel_ids: Collection[int],
    limit: int = LIST_LIMIT,
) -> list[Meetup]:
    """For organizers: meetups in the server that have not ended and are not cancelled, soonest
    first, in the channels the asking member can view."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    return list(
        (
            await session.scalars(
                select(Meetup)
                .where(
                    Meetup.guild_id == guild_id,
                    lifecycle.still_ahead(now),
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
        query = query.where(lifecycle.still_ahead(now))
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


@dataclass(frozen=True, slots=True)
class MyMeetup:
    meetup: Meetup
    rsvp: Rsvp
    standing: Standing  # upcoming; attended or not marked yet once check-in opened; cancelled


async def my_upcoming(session: AsyncSession, *, guild_id: int, user_id: int, now: datetime) -> list[MyMeetup]:
    """The member's answers to meetups that have not ended, soonest first; a cancelled one is
    listed too (as cancelled), so that nobody who answered it still counts on it."""
    rows = await session.execute(
        select(Meetup, Rsvp, Attendance.present)
        .join(Rsvp, Rsvp.meetup_id == Meetup.id)
        .outerjoin(Attendance, (Attendance.meetup_id == Meetup.id) & (Attendance.user_id == user_id))
        .where(
            Meetup.guild_id == guild_id,
            Rsvp.user_id == user_id,
            Meetup.status.in_((MeetupStatus.SCHEDULED, MeetupStatus.CANCELLED)),
            Meetup.ends_at > now,
        )
        .order_by(Meetup.starts_at, Meetup.id)
        .limit(LIST_LIMIT)
    )
    return [
        # Nothing is closed before its end, so whether attendance was taken elsewhere does not matter.
        MyMeetup(m, r, lifecycle.standing_of(lifecycle.phase_of(m, now), present, attendance_taken=False))
        for m, r, present in rows.all()
    ]


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
        select(Rsvp.meetup_id, func.sum(1 + Rsvp.guests))  # people: members and their guests
        .where(Rsvp.meetup_id.in_(meetup_ids), Rsvp.status == RsvpStatus.GOING)
        .group_by(Rsvp.meetup_id)
    )
    return {meetup_id: int(count) for meetup_id, count in rows.all()}


async def meetup_id_for_message(session: AsyncSession, *, message_id: int) -> int | None:
    return await session.scalar(select(Meetup.id).where(Meetup.message_id == message_id))
