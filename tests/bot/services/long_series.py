"""A recurring series written straight into the database, as the bot would have left it after
years of weekly meetups: for tests of what organizers are shown about long series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Attendance,
    AttendanceSource,
    Meetup,
    MeetupStatus,
    RecurringSeries,
    Rsvp,
    RsvpSource,
    RsvpStatus,
    SeriesStatus,
)

FIRST = datetime(2022, 1, 6, 18, 0, tzinfo=UTC)  # a Thursday, 19:00 in Berlin
MEMBER_IDS = 10**17  # member n is MEMBER_IDS + n


@dataclass(frozen=True, slots=True)
class FilledSeries:
    series_id: int
    meetup_ids: list[int]  # by occurrence


async def fill_series(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    organizer_id: int,
    occurrences: int,
    came: Callable[[int], list[int]],
    answered: Callable[[int], list[int]] = lambda index: [],
    title: str = "Paper club",
    first: datetime = FIRST,
) -> FilledSeries:
    """A weekly series of `occurrences` meetups from `first`, each over and finished unless it is
    still ahead; `came(index)` the member numbers marked present at occurrence `index`, `answered`
    those who answered Going."""
    series = RecurringSeries(
        guild_id=guild_id,
        channel_id=channel_id,
        repeat_kind="weekly",
        first_local=first.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None),
        timezone="Europe/Berlin",
        status=SeriesStatus.ACTIVE,
        created_by=organizer_id,
        title=title,
        duration_minutes=120,
        reminder_offsets="",
        next_index=occurrences,
        attempts=0,
    )
    session.add(series)
    await session.flush()
    now = datetime.now(UTC)
    rows = []
    for index in range(occurrences):
        starts = first + timedelta(weeks=index)
        rows.append(
            {
                "guild_id": guild_id,
                "channel_id": channel_id,
                "message_id": None,
                "title": title,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "timezone": "Europe/Berlin",
                "status": MeetupStatus.FINISHED if starts + timedelta(hours=4) < now else MeetupStatus.SCHEDULED,
                "created_by": organizer_id,
                "recurring_series_id": series.id,
                "occurrence_index": index,
                "reminder_offsets": "",
            }
        )
    await session.execute(insert(Meetup), rows)
    ids = list(
        (
            await session.scalars(
                select(Meetup.id).where(Meetup.recurring_series_id == series.id).order_by(Meetup.occurrence_index)
            )
        ).all()
    )
    marks = [
        {
            "meetup_id": meetup_id,
            "user_id": MEMBER_IDS + member,
            "present": True,
            "source": AttendanceSource.ORGANIZER,
            "marked_by": organizer_id,
            "marked_at": first + timedelta(weeks=index, hours=1),
        }
        for index, meetup_id in enumerate(ids)
        for member in came(index)
    ]
    answers = [
        {
            "meetup_id": meetup_id,
            "user_id": MEMBER_IDS + member,
            "status": RsvpStatus.GOING,
            "source": RsvpSource.BUTTON,
            "answered_at": first + timedelta(weeks=index) - timedelta(days=1),
            "status_changed_at": first + timedelta(weeks=index) - timedelta(days=1),
            "member_name": f"member {member}",
        }
        for index, meetup_id in enumerate(ids)
        for member in answered(index)
    ]
    for batch in (marks[i : i + 5000] for i in range(0, len(marks), 5000)):
        await session.execute(insert(Attendance), batch)
    for batch in (answers[i : i + 5000] for i in range(0, len(answers), 5000)):
        await session.execute(insert(Rsvp), batch)
    return FilledSeries(series.id, ids)
