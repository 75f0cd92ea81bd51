"""Who came to a recurring series: each occurrence with who came, and each member's attendance rate.

`/meetup series` reads it. An occurrence's follow-ups are not occurrences of the series (they
belong to that occurrence's follow-up series, another link), so they are not counted here; the
follow-up series of a meetup that does not repeat is `followups.series_record`.

A member's rate counts the occurrences that are over and whose attendance was taken (someone
checked in or was marked): one nobody marked says nothing about who came. The whole series is read
in a fixed number of queries, however many occurrences and members it has.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, Meetup, RecurringSeries, RecurringSkip, Rsvp, SkipReason
from bot.services import lifecycle
from bot.services.errors import DomainError
from bot.services.followups import SessionRecord, series_record
from bot.services.guild_settings import require_guild_organizer
from bot.services.lifecycle import Phase
from bot.services.meetup_lookup import get_meetup
from bot.services.organizers import Actor
from bot.services.recurrence import RepeatRule, place_wall_time
from bot.services.recurring_series import rule_of

# A member has drifted away who came at least DRIFTED_AFTER times and since stayed away from the
# latest RECENT counted occurrences or more, and from at least twice as many as they used to miss
# between two visits (one who comes every seventh week has not drifted after six).
DRIFTED_AFTER = 2
RECENT = 3


class NotInSeries(DomainError):
    def __init__(self, meetup_id: int) -> None:
        super().__init__(
            f"Meetup #{meetup_id} is not part of a series: it does not repeat (the `repeat` option of "
            "`/meetup create`) and has no follow-up (`/meetup followup`)."
        )


class OccurrenceState(enum.StrEnum):
    UPCOMING = "upcoming"
    UNDER_WAY = "under way"
    OVER = "over"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    MISSED = "missed"  # its time passed while no bot was running: never posted


@dataclass(frozen=True, slots=True)
class OccurrenceAttendance:
    number: int  # 1 for the first
    starts_at: datetime
    state: OccurrenceState
    meetup: Meetup | None  # None for a missed one
    taken: bool  # attendance was taken (anyone checked in or was marked, present or not)
    came: tuple[int, ...]  # in the order they were marked present

    @property
    def counted(self) -> bool:
        """Over and marked: it counts in every member's rate."""
        return self.state == OccurrenceState.OVER and self.taken


@dataclass(frozen=True, slots=True)
class MemberAttendance:
    user_id: int
    attended: int  # counted occurrences they came to
    first: OccurrenceAttendance  # the first counted occurrence they came to
    last: OccurrenceAttendance  # the latest
    drifted: bool  # came often enough, then stayed away (see DRIFTED_AFTER)


@dataclass(frozen=True, slots=True)
class SeriesAttendance:
    series: RecurringSeries
    rule: RepeatRule
    occurrences: list[OccurrenceAttendance]  # in order, those not held included
    counted: int  # occurrences over and marked: the denominator of every rate
    members: list[MemberAttendance]  # who came to a counted one: most often first, then latest
    never_came: list[int]  # answered an occurrence, came to none counted
    names: dict[int, str]  # as Discord showed them when they answered or checked in

    @property
    def regulars(self) -> list[MemberAttendance]:
        return [m for m in self.members if not m.drifted]

    @property
    def drifted(self) -> list[MemberAttendance]:
        return [m for m in self.members if m.drifted]


async def series_view(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, now: datetime
) -> SeriesAttendance | list[SessionRecord]:
    """For organizers: the recurring series of an occurrence, else the follow-up series of a meetup
    with follow-ups (or of a follow-up); a meetup in neither is refused."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    series = (
        await session.get(RecurringSeries, meetup.recurring_series_id)
        if meetup.recurring_series_id is not None
        else None
    )
    if series is not None:
        return await series_attendance(session, series=series, now=now)
    records = await series_record(session, guild_id=guild_id, meetup_id=meetup_id, actor=actor)
    if len(records) < 2:
        raise NotInSeries(meetup_id)
    return records


async def series_attendance(session: AsyncSession, *, series: RecurringSeries, now: datetime) -> SeriesAttendance:
    made = list(
        (
            await session.scalars(
                select(Meetup).where(Meetup.recurring_series_id == series.id).order_by(Meetup.occurrence_index)
            )
        ).all()
    )
    skips = list((await session.scalars(select(RecurringSkip).where(RecurringSkip.series_id == series.id))).all())
    marks = (
        await session.execute(
            select(Attendance.meetup_id, Attendance.user_id, Attendance.present, Attendance.member_name)
            .join(Meetup, Meetup.id == Attendance.meetup_id)
            .where(Meetup.recurring_series_id == series.id)
            .order_by(Attendance.marked_at, Attendance.id)
        )
    ).all()
    answers = (
        await session.execute(
            # One row a member (any of the names they answered with): a long series has many answers.
            select(Rsvp.user_id, func.max(Rsvp.member_name))
            .join(Meetup, Meetup.id == Rsvp.meetup_id)
            .where(Meetup.recurring_series_id == series.id)
            .group_by(Rsvp.user_id)
            .order_by(Rsvp.user_id)
        )
    ).all()
    taken = {meetup_id for meetup_id, _, _, _ in marks}
    came: dict[int, list[int]] = {}
    for meetup_id, user_id, present, _ in marks:
        if present:
            came.setdefault(meetup_id, []).append(user_id)
    rule = rule_of(series, (s.local_date for s in skips))
    occurrences = _occurrences(rule, made, skips, taken=taken, came=came, now=now)
    names = {user_id: name for user_id, name in answers if name}
    names.update({user_id: name for _, user_id, _, name in marks if name})
    members = _members(occurrences)
    attended = {m.user_id for m in members}
    never_came = list(dict.fromkeys(user_id for user_id, _ in answers if user_id not in attended))
    counted = sum(1 for o in occurrences if o.counted)
    return SeriesAttendance(series, rule, occurrences, counted, members, never_came, names)


def _occurrences(
    rule: RepeatRule,
    made: list[Meetup],
    skips: list[RecurringSkip],
    *,
    taken: set[int],
    came: dict[int, list[int]],
    now: datetime,
) -> list[OccurrenceAttendance]:
    found: dict[int, OccurrenceAttendance] = {}
    for meetup in made:
        assert meetup.occurrence_index is not None
        found[meetup.occurrence_index] = OccurrenceAttendance(
            meetup.occurrence_index + 1,
            meetup.starts_at,
            _state_of(meetup, now),
            meetup,
            meetup.id in taken,
            tuple(came.get(meetup.id, ())),
        )
    for skip in skips:
        held = found.get(skip.occurrence_index)
        if held is not None:
            if skip.reason == SkipReason.SKIPPED and held.state == OccurrenceState.CANCELLED:
                found[skip.occurrence_index] = OccurrenceAttendance(
                    held.number, held.starts_at, OccurrenceState.SKIPPED, held.meetup, held.taken, held.came
                )
            continue
        # Never posted, so no meetup says when: its date as the skip records it, at the rule's time.
        start = place_wall_time(datetime.combine(skip.local_date, rule.first_local.time()), rule.zone)
        state = OccurrenceState.MISSED if skip.reason == SkipReason.MISSED else OccurrenceState.SKIPPED
        found[skip.occurrence_index] = OccurrenceAttendance(skip.occurrence_index + 1, start, state, None, False, ())
    return [found[index] for index in sorted(found)]


def _state_of(meetup: Meetup, now: datetime) -> OccurrenceState:
    phase = lifecycle.phase_of(meetup, now)
    if phase == Phase.CANCELLED:
        return OccurrenceState.CANCELLED
    if phase in (Phase.OVER, Phase.CLOSED):
        return OccurrenceState.OVER
    if phase == Phase.UNDER_WAY:
        return OccurrenceState.UNDER_WAY
    return OccurrenceState.UPCOMING


def _members(occurrences: list[OccurrenceAttendance]) -> list[MemberAttendance]:
    counted = [o for o in occurrences if o.counted]
    seen: dict[int, list[int]] = {}  # member -> positions in `counted` they came to
    for position, held in enumerate(counted):
        for user_id in held.came:
            seen.setdefault(user_id, []).append(position)
    members = [
        MemberAttendance(user_id, len(came), counted[came[0]], counted[came[-1]], _drifted(came, len(counted)))
        for user_id, came in seen.items()
    ]
    return sorted(members, key=lambda m: (-m.attended, -m.last.number, m.user_id))


def _drifted(came: list[int], counted: int) -> bool:
    if len(came) < DRIFTED_AFTER:
        return False
    usual_gap = (came[-1] - came[0]) / (len(came) - 1)
    away = counted - 1 - came[-1]
    return away >= max(RECENT, 2 * usual_gap)
