"""Who came: members check in themselves around the meetup's time, organizers mark the rest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, AttendanceSource, Meetup, Rsvp
from bot.db.upsert import insert_ignoring_conflict
from bot.services import lifecycle
from bot.services.audit import record_action
from bot.services.errors import InvalidInput
from bot.services.guild_settings import require_guild_organizer
from bot.services.lifecycle import Action, Standing
from bot.services.meetup_lookup import get_meetup
from bot.services.organizers import Actor

MOST_MARKED_AT_ONCE = 25  # what one user select can hold


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
    lifecycle.require(meetup, Action.CHECK_IN, now=now)
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
    meetup = (await attendance_prompt(session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, now=now)).meetup
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


@dataclass(frozen=True, slots=True)
class AttendancePrompt:
    meetup: Meetup
    present_total: int  # attended so far


async def attendance_prompt(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, now: datetime
) -> AttendancePrompt:
    """For organizers, before they pick members: the meetup, if its attendance may be marked now."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(meetup, Action.MARK_ATTENDANCE, now=now)
    return AttendancePrompt(meetup, len((await attended_ids(session, [meetup.id])).get(meetup.id, set())))


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


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    meetup: Meetup
    answer: str | None  # the member's RSVP status, if they answered
    standing: Standing  # upcoming, cancelled, attended, did not attend, not marked yet

    @property
    def attended(self) -> bool:
        return self.standing == Standing.ATTENDED


HISTORY_LIMIT = 25


async def member_history(
    session: AsyncSession, *, guild_id: int, user_id: int, actor: Actor, now: datetime
) -> list[HistoryEntry]:
    """The meetups of this server a member answered or attended, newest first, each with how it
    stands for them (see `lifecycle.standing_of`). Organizers may look anyone up; members only
    themselves."""
    if actor.user_id != user_id:
        await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    answered = await session.execute(
        select(Rsvp.meetup_id, Rsvp.status)
        .join(Meetup, Meetup.id == Rsvp.meetup_id)
        .where(Rsvp.user_id == user_id, Meetup.guild_id == guild_id)
    )
    answers = {row.meetup_id: row.status for row in answered}
    marked = await session.execute(
        select(Attendance.meetup_id, Attendance.present)
        .join(Meetup, Meetup.id == Attendance.meetup_id)
        .where(Attendance.user_id == user_id, Meetup.guild_id == guild_id)
    )
    present = {row.meetup_id: row.present for row in marked}
    ids = set(answers) | {meetup_id for meetup_id, came in present.items() if came}
    if not ids:
        return []
    meetups = list(
        (
            await session.scalars(
                select(Meetup).where(Meetup.id.in_(ids)).order_by(Meetup.starts_at.desc()).limit(HISTORY_LIMIT)
            )
        ).all()
    )
    taken = set(
        (
            await session.scalars(
                select(Attendance.meetup_id).where(Attendance.meetup_id.in_([m.id for m in meetups])).distinct()
            )
        ).all()
    )
    return [
        HistoryEntry(
            m,
            answers[m.id].value if m.id in answers else None,
            lifecycle.standing_of(lifecycle.phase_of(m, now), present.get(m.id), attendance_taken=m.id in taken),
        )
        for m in meetups
    ]
