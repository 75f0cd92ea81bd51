"""Steps the recurring-series tests share: meetup messages of a series, its rows, moving it in time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Meetup, RecurringSeries, RecurringSkip
from tests.e2e.harness import Server, poll_until
from tests.e2e.meetup_steps import FOOTER, public_messages
from tests.emulator import DiscordEmulator, MessageRecord

TIMESTAMP = re.compile(r"<t:(\d+):F>")


def meetup_messages(emu: DiscordEmulator, server: Server) -> list[MessageRecord]:
    """The meetup messages in the channel (not reminders or notices), oldest first."""
    return [
        m
        for m in public_messages(emu, server.channel.id)
        if m.embeds and FOOTER.fullmatch(str((m.embeds[0].get("footer") or {}).get("text", "")))
    ]


def dates_in(text: str) -> list[datetime]:
    return [datetime.fromtimestamp(int(stamp), UTC) for stamp in TIMESTAMP.findall(text)]


async def series_meetups(database: Database, series_id: int) -> list[Meetup]:
    async with database.reading() as session:
        rows = await session.scalars(
            select(Meetup).where(Meetup.recurring_series_id == series_id).order_by(Meetup.occurrence_index)
        )
        return list(rows.all())


async def the_series(database: Database) -> RecurringSeries:
    async with database.reading() as session:
        [series] = (await session.scalars(select(RecurringSeries))).all()
        return series


async def skips(database: Database) -> list[RecurringSkip]:
    async with database.reading() as session:
        rows = await session.scalars(select(RecurringSkip).order_by(RecurringSkip.occurrence_index))
        return list(rows.all())


async def shift_series(database: Database, series_id: int, by: timedelta) -> None:
    """Move a whole series in time (its rule and the meetups made), as if it had been created that
    much earlier: a way to stand where the clock would be after a week or two without waiting."""
    async with database.transaction() as session:
        series = await session.get(RecurringSeries, series_id)
        assert series is not None
        series.first_local += by
        for meetup in (await session.scalars(select(Meetup).where(Meetup.recurring_series_id == series_id))).all():
            meetup.starts_at, meetup.ends_at = meetup.starts_at + by, meetup.ends_at + by


async def end_open_occurrence(database: Database, series_id: int) -> Meetup:
    """The series' latest meetup made to have ended a moment ago (its rule stays as it is)."""
    now = datetime.now(UTC).replace(microsecond=0)
    async with database.transaction() as session:
        latest = await session.scalar(
            select(Meetup)
            .where(Meetup.recurring_series_id == series_id)
            .order_by(Meetup.occurrence_index.desc())
            .limit(1)
        )
        assert latest is not None
        length = latest.ends_at - latest.starts_at
        latest.starts_at, latest.ends_at = now - length - timedelta(seconds=1), now - timedelta(seconds=1)
        return latest


async def wait_until_settled(database: Database, series_id: int, *, made: int) -> list[Meetup]:
    """Wait until the series has `made` occurrences, the last all out (posted, mirrored, released)."""

    async def settled() -> bool:
        async with database.reading() as session:
            series = await session.get(RecurringSeries, series_id)
        return series is not None and series.next_index == made and series.claimed_by is None

    await poll_until(settled, what=f"occurrence {made - 1} of series #{series_id} to be out")
    return await series_meetups(database, series_id)
