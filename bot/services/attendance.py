"""Who came: members check in themselves around the meetup's time, organizers mark the rest."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, AttendanceSource, Meetup, MeetupStatus, Rsvp
from bot.db.upsert import insert_ignoring_conflict
from bot.rendering.time_format import full_and_relative
from bot.services.audit import record_action
from bot.services.errors import DomainError, InvalidInput, MeetupClosed
from bot.services.meetup_lookup import get_meetup
from bot.services.meetups import require_guild_organizer
from bot.services.organizers import Actor

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
CHECK_IN_CLOSES_AFTER = timedelta(hours=2)  # after the end
MOST_MARKED_AT_ONCE = 25  # what one user select can hold


class Phase(enum.StrEnum):
    """Where the clock has taken a meetup; its message shows each differently."""

    UPCOMING = "upcoming"
    CHECK_IN = "check_in"  # from 30 minutes before the start to the end: "I'm here" shown
    ENDED = "ended"  # over, but late check-ins still count for two hours
    CLOSED = "closed"


def phase_of(meetup: Meetup, now: datetime) -> Phase:
    if meetup.status == MeetupStatus.CANCELLED:
        return Phase.CLOSED
    if now < meetup.starts_at - CHECK_IN_OPENS_BEFORE:
        return Phase.UPCOMING
    if now < meetup.ends_at:
        return Phase.CHECK_IN
    if now < meetup.ends_at + CHECK_IN_CLOSES_AFTER:
        return Phase.ENDED
    return Phase.CLOSED


def phase_changes(meetup: Meetup) -> list[datetime]:
    """The moments the meetup's message must be redrawn to show its next phase."""
    return [
        meetup.starts_at - CHECK_IN_OPENS_BEFORE,
        meetup.ends_at,
        meetup.ends_at + CHECK_IN_CLOSES_AFTER,
    ]


@dataclass(frozen=True, slots=True)
class CheckIn:
    meetup: Meetup
    at: datetime
    already: bool  # they had checked in (or been marked present) before


async def check_in(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    user_id: int,
    now: datetime,
    member_name: str | None = None,
) -> CheckIn:
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    if meetup.status == MeetupStatus.CANCELLED:
        raise MeetupClosed("This meetup was cancelled, so there is nothing to check in to.")
    phase = phase_of(meetup, now)
    if phase == Phase.UPCOMING:
        opens = meetup.starts_at - CHECK_IN_OPENS_BEFORE
        raise DomainError(f"Check-in opens {full_and_relative(opens)}, 30 minutes before the start.")
    if phase == Phase.CLOSED:
        closed = meetup.ends_at + CHECK_IN_CLOSES_AFTER
        raise DomainError(f"Check-in closed {full_and_relative(closed)}, two hours after the end.")
    existing = await _rows(session, meetup.id, [user_id])
    row = existing.get(user_id)
    if row is not None and row.present:
        return CheckIn(meetup, row.marked_at, already=True)
    await _mark(session, meetup.id, [user_id], present=True, source=AttendanceSource.CHECK_IN, by=user_id, now=now)
    if member_name:  # for the organizer's CSV, which lists those who came without answering too
        (await _rows(session, meetup.id, [user_id]))[user_id].member_name = member_name[:100]
    return CheckIn(meetup, now, already=False)


@dataclass(frozen=True, slots=True)
class Marked:
    meetup: Meetup
    changed: int  # members whose record changed
    present_total: int


async def mark_attendance(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    user_ids: Sequence[int],
    present: bool,
    now: datetime,
) -> Marked:
    """An organizer marks members present or absent; marks add up over several uses."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    if meetup.status == MeetupStatus.CANCELLED:
        raise MeetupClosed("This meetup was cancelled; there is no attendance to mark.")
    if not user_ids:
        raise InvalidInput("Pick at least one member.")
    if len(user_ids) > MOST_MARKED_AT_ONCE:
        raise InvalidInput(f"Mark at most {MOST_MARKED_AT_ONCE} members at a time.")
    changed = await _mark(
        session, meetup.id, user_ids, present=present, source=AttendanceSource.ORGANIZER, by=actor.user_id, now=now
    )
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="meetup.attendance",
        target=f"meetup:{meetup.id}",
        details={"present": present, "users": [str(u) for u in user_ids]},
    )
    await session.flush()
    total = len((await attended_ids(session, [meetup.id])).get(meetup.id, set()))
    return Marked(meetup, changed, total)


async def _rows(session: AsyncSession, meetup_id: int, user_ids: Iterable[int]) -> dict[int, Attendance]:
    rows = await session.scalars(
        select(Attendance)
        .where(Attendance.meetup_id == meetup_id, Attendance.user_id.in_(list(user_ids)))
        .execution_options(populate_existing=True)
    )
    return {row.user_id: row for row in rows}


async def _mark(
    session: AsyncSession,
    meetup_id: int,
    user_ids: Sequence[int],
    *,
    present: bool,
    source: AttendanceSource,
    by: int,
    now: datetime,
) -> int:
    for user_id in user_ids:
        # Two check-ins of one member at once: the second finds the row the first made.
        await insert_ignoring_conflict(
            session,
            Attendance,
            meetup_id=meetup_id,
            user_id=user_id,
            present=present,
            source=source,
            marked_by=by,
            marked_at=now,
        )
    rows = await _rows(session, meetup_id, user_ids)
    changed = 0
    for row in rows.values():
        if row.marked_at == now and row.marked_by == by and row.source == source and row.present == present:
            changed += 1  # made just now
        elif row.present != present:
            row.present, row.source, row.marked_by, row.marked_at = present, source, by, now
            changed += 1
    await session.flush()
    return changed


async def attended_ids(session: AsyncSession, meetup_ids: Sequence[int]) -> dict[int, set[int]]:
    """meetup id -> members who attended it."""
    if not meetup_ids:
        return {}
    rows = await session.execute(
        select(Attendance.meetup_id, Attendance.user_id).where(
            Attendance.meetup_id.in_(list(meetup_ids)), Attendance.present.is_(True)
        )
    )
    found: dict[int, set[int]] = {}
    for meetup_id, user_id in rows:
        found.setdefault(meetup_id, set()).add(user_id)
    return found


async def attendance_of(session: AsyncSession, meetup_id: int) -> dict[int, Attendance]:
    """Every attendance record of a meetup, by member (present and absent)."""
    rows = await session.scalars(select(Attendance).where(Attendance.meetup_id == meetup_id))
    return {row.user_id: row for row in rows}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    meetup: Meetup
    answer: str | None  # the member's RSVP status, if they answered
    attended: bool


HISTORY_LIMIT = 25


async def member_history(session: AsyncSession, *, guild_id: int, user_id: int, actor: Actor) -> list[HistoryEntry]:
    """The meetups of this server a member answered or attended, newest first. Organizers may
    look anyone up; members only themselves."""
    if actor.user_id != user_id:
        await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    answered = await session.execute(
        select(Rsvp.meetup_id, Rsvp.status)
        .join(Meetup, Meetup.id == Rsvp.meetup_id)
        .where(Rsvp.user_id == user_id, Meetup.guild_id == guild_id)
    )
    answers = {row.meetup_id: row.status for row in answered}
    came = set(
        (
            await session.scalars(
                select(Attendance.meetup_id)
                .join(Meetup, Meetup.id == Attendance.meetup_id)
                .where(Attendance.user_id == user_id, Attendance.present.is_(True), Meetup.guild_id == guild_id)
            )
        ).all()
    )
    ids = set(answers) | came
    if not ids:
        return []
    meetups = await session.scalars(
        select(Meetup).where(Meetup.id.in_(ids)).order_by(Meetup.starts_at.desc()).limit(HISTORY_LIMIT)
    )
    return [HistoryEntry(m, answers[m.id].value if m.id in answers else None, m.id in came) for m in meetups]
