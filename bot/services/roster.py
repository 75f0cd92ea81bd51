"""Who answered a meetup, grouped and ordered as members see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, Meetup, Rsvp, RsvpSource, RsvpStatus
from bot.services.guild_settings import require_guild_organizer
from bot.services.meetup_lookup import get_meetup
from bot.services.organizers import Actor
from bot.services.regular_seats import regulars_of


@dataclass(frozen=True, slots=True)
class RosterEntry:
    user_id: int
    status: RsvpStatus
    answered_at: datetime
    source: RsvpSource
    waitlist_position: int | None
    guests: int = 0  # the member's party is 1 + guests


@dataclass(frozen=True, slots=True)
class Roster:
    """A meetup and its answers: going in seat order, the waitlist in queue order."""

    meetup: Meetup
    going: list[RosterEntry] = field(default_factory=list)
    maybe: list[RosterEntry] = field(default_factory=list)
    declined: list[RosterEntry] = field(default_factory=list)
    waitlist: list[RosterEntry] = field(default_factory=list)
    # Members recorded as present, with when they checked in or were marked.
    attended: dict[int, datetime] = field(default_factory=dict)
    follows: Meetup | None = None  # the meetup this one is a follow-up session of
    # The regulars of the recurring series this meetup is an occurrence of ("Every time").
    regulars: frozenset[int] = frozenset()

    @property
    def people_going(self) -> int:
        """What the Going count says: members and the guests they bring."""
        return sum(1 + e.guests for e in self.going)

    def parties(self) -> dict[int, int]:
        """The guests of each member who brings any (for `@alex +2`)."""
        return {e.user_id: e.guests for e in [*self.going, *self.waitlist] if e.guests}

    def user_ids(self, *statuses: RsvpStatus) -> list[int]:
        groups = {
            RsvpStatus.GOING: self.going,
            RsvpStatus.MAYBE: self.maybe,
            RsvpStatus.DECLINED: self.declined,
            RsvpStatus.WAITLISTED: self.waitlist,
        }
        return [e.user_id for s in statuses for e in groups[s]]


async def load_roster(session: AsyncSession, *, meetup: Meetup) -> Roster:
    rows = await session.scalars(
        select(Rsvp).where(Rsvp.meetup_id == meetup.id).order_by(Rsvp.status_changed_at, Rsvp.id)
    )
    follows = await session.get(Meetup, meetup.followup_of) if meetup.followup_of is not None else None
    regulars = await regulars_of(session, meetup)
    roster = Roster(meetup, follows=follows, regulars=regulars)
    groups = {
        RsvpStatus.GOING: roster.going,
        RsvpStatus.MAYBE: roster.maybe,
        RsvpStatus.DECLINED: roster.declined,
        RsvpStatus.WAITLISTED: roster.waitlist,
    }
    for row in rows:
        groups[row.status].append(
            RosterEntry(row.user_id, row.status, row.answered_at, row.source, row.waitlist_position, row.guests)
        )
    roster.waitlist.sort(key=lambda e: e.waitlist_position or 0)
    present = await session.execute(
        select(Attendance.user_id, Attendance.marked_at)
        .where(Attendance.meetup_id == meetup.id, Attendance.present.is_(True))
        .order_by(Attendance.marked_at, Attendance.id)
    )
    roster.attended.update({row.user_id: row.marked_at for row in present})
    return roster


async def roster_for_organizer(session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor) -> Roster:
    """The full list of answers, for `/meetup attendees`."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    return await load_roster(session, meetup=await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id))
