"""Who came to a recurring series, against a real database: each meetup's state and who came,
each member's rate over the meetups that are over and marked, regulars first and those who drifted
away apart, follow-ups left out; a long series read in a few queries, and shown within Discord's
limits with what is left out said and all of it in the CSV."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import (
    Attendance,
    AttendanceSource,
    Meetup,
    MeetupStatus,
    RecurringSkip,
    SkipReason,
)
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TOTAL, EMBEDS_PER_MESSAGE
from bot.rendering.series_attendance import render_series_attendance
from bot.services.errors import NotOrganizer
from bot.services.followups import SessionRecord
from bot.services.organizers import Actor
from bot.services.series_attendance import NotInSeries, OccurrenceState, SeriesAttendance, series_view
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, ORGANIZER, make_meetup
from tests.bot.services.long_series import MEMBER_IDS, FilledSeries, fill_series

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FIRST = datetime(2026, 9, 3, 17, 0, tzinfo=UTC)  # Thursdays, 19:00 in Berlin (summer time)
ALICE, BOB, CAROL, DAVE, ERIN, FRANK, GINA = (MEMBER_IDS + n for n in range(7))
# Who came to which occurrence (by index): 5 is missed, 6 skipped, 8 over and never marked, 9
# cancelled, 10 still ahead.
CAME = {0: [0, 1, 3], 1: [0, 1], 2: [0, 1], 3: [0], 4: [0], 7: [0, 2]}


async def small_series(sessionmaker: Sessions) -> FilledSeries:
    async with sessionmaker() as s, s.begin():
        filled = await fill_series(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            organizer_id=ORGANIZER.user_id,
            occurrences=11,
            came=lambda index: CAME.get(index, []),
            answered=lambda index: [4] if index == 2 else [],
            first=FIRST,
        )
        ids = filled.meetup_ids
        # Missed: never made (its meetup row is removed, as none would exist).
        await s.execute(update(Meetup).where(Meetup.id == ids[5]).values(recurring_series_id=None))
        s.add(
            RecurringSkip(
                series_id=filled.series_id, occurrence_index=5, local_date=date(2026, 10, 8), reason=SkipReason.MISSED
            )
        )
        s.add(
            RecurringSkip(
                series_id=filled.series_id,
                occurrence_index=6,
                local_date=date(2026, 10, 15),
                reason=SkipReason.SKIPPED,
                meetup_id=ids[6],
            )
        )
        for index in (6, 9):
            await s.execute(update(Meetup).where(Meetup.id == ids[index]).values(status=MeetupStatus.CANCELLED))
        await s.execute(
            update(Meetup)
            .where(Meetup.id == ids[10])
            .values(
                status=MeetupStatus.SCHEDULED,
                starts_at=NOW + timedelta(days=1),
                ends_at=NOW + timedelta(days=1, hours=2),
            )
        )
        await s.execute(update(Meetup).where(Meetup.id == ids[8]).values(status=MeetupStatus.SCHEDULED))
        # Frank was marked absent at the first: attendance was taken, without him.
        s.add(
            Attendance(
                meetup_id=ids[0],
                user_id=FRANK,
                present=False,
                source=AttendanceSource.ORGANIZER,
                marked_by=ORGANIZER.user_id,
                marked_at=FIRST,
            )
        )
        # A follow-up of occurrence 7 (the first of its follow-up series, as `/meetup followup` makes it)
        await s.execute(update(Meetup).where(Meetup.id == ids[7]).values(series_id=ids[7]))
        # A follow-up of occurrence 7 that Gina came to: it belongs to 7's follow-up series, not to this one.
        followup = Meetup(
            guild_id=GUILD,
            channel_id=CHANNEL,
            title="Paper club again",
            starts_at=FIRST + timedelta(weeks=7, days=2),
            ends_at=FIRST + timedelta(weeks=7, days=2, hours=2),
            timezone="Europe/Berlin",
            status=MeetupStatus.FINISHED,
            created_by=ORGANIZER.user_id,
            series_id=ids[7],
            followup_of=ids[7],
        )
        s.add(followup)
        await s.flush()
        s.add(
            Attendance(
                meetup_id=followup.id,
                user_id=GINA,
                present=True,
                source=AttendanceSource.ORGANIZER,
                marked_by=ORGANIZER.user_id,
                marked_at=followup.starts_at,
            )
        )
        return filled


async def view(db: Database, meetup_id: int, actor: Actor = ORGANIZER) -> SeriesAttendance | list[SessionRecord]:
    async with db.reading() as s:
        return await series_view(s, guild_id=GUILD, meetup_id=meetup_id, actor=actor, now=NOW)


async def test_each_occurrence_says_how_it_stands_and_who_came(db: Database, sessionmaker: Sessions) -> None:
    filled = await small_series(sessionmaker)
    report = await view(db, filled.meetup_ids[3])
    assert isinstance(report, SeriesAttendance)
    assert [(o.number, o.state) for o in report.occurrences] == [
        (1, OccurrenceState.OVER),
        (2, OccurrenceState.OVER),
        (3, OccurrenceState.OVER),
        (4, OccurrenceState.OVER),
        (5, OccurrenceState.OVER),
        (6, OccurrenceState.MISSED),
        (7, OccurrenceState.SKIPPED),
        (8, OccurrenceState.OVER),
        (9, OccurrenceState.OVER),
        (10, OccurrenceState.CANCELLED),
        (11, OccurrenceState.UPCOMING),
    ]
    missed = report.occurrences[5]
    assert missed.meetup is None and missed.starts_at == FIRST + timedelta(weeks=5)
    assert report.occurrences[0].came == (ALICE, BOB, DAVE)
    assert [o.counted for o in report.occurrences] == [True] * 5 + [False, False, True, False, False, False]
    assert report.counted == 6


async def test_rates_put_regulars_first_and_set_apart_those_who_drifted_away(
    db: Database, sessionmaker: Sessions
) -> None:
    filled = await small_series(sessionmaker)
    report = await view(db, filled.meetup_ids[10])
    assert isinstance(report, SeriesAttendance)
    rates = [(m.user_id, m.attended, m.last.number, m.drifted) for m in report.members]
    # Bob came to the first three and to none of the last three counted (4, 5 and 8): drifted.
    # Dave came once, long ago: too seldom to have drifted. Gina came only to a follow-up.
    assert rates == [(ALICE, 6, 8, False), (BOB, 3, 3, True), (CAROL, 1, 8, False), (DAVE, 1, 1, False)]
    assert [m.user_id for m in report.regulars] == [ALICE, CAROL, DAVE]
    assert [m.user_id for m in report.drifted] == [BOB]
    assert report.never_came == [ERIN]
    assert report.names == {ERIN: "member 4"}


async def test_the_answer_lists_every_occurrence_and_every_rate_when_they_fit(
    db: Database, sessionmaker: Sessions
) -> None:
    filled = await small_series(sessionmaker)
    report = await view(db, filled.meetup_ids[0])
    assert isinstance(report, SeriesAttendance)
    reply = render_series_attendance(report)
    assert reply.note == "" and reply.csv is None
    head, regulars, drifted = (e.description or "" for e in reply.embeds)
    ids = filled.meetup_ids
    assert reply.embeds[0].title == "Series: Paper club"
    assert head.startswith("Repeats every week on Thursday at 19:00 (Europe/Berlin).\n")
    assert "**11 meetups**: 1 upcoming, 7 over, 1 cancelled, 1 skipped, 1 missed." in head
    assert "Rates count the 6 meetups that are over with their attendance taken." in head
    stamp = int(FIRST.timestamp())
    assert f"**1.** #{ids[0]} <t:{stamp}:D> · over · 3 came: <@{ALICE}>, <@{BOB}>, <@{DAVE}>" in head
    assert f"**6.** <t:{stamp + 5 * 7 * 86400}:D> · missed (no bot was running then)" in head
    assert f"**7.** #{ids[6]} <t:{stamp + 6 * 7 * 86400}:D> · skipped" in head
    assert f"**9.** #{ids[8]} <t:{stamp + 8 * 7 * 86400}:D> · over · attendance not taken" in head
    assert f"**10.** #{ids[9]} <t:{stamp + 9 * 7 * 86400}:D> · cancelled" in head
    assert f"**11.** #{ids[10]} " in head and head.endswith("· upcoming")
    assert reply.embeds[1].title == "Who came, most often first (of 6)"
    assert regulars.splitlines() == [
        f"<@{ALICE}> 6/6 (100%) · last came <t:{stamp + 7 * 7 * 86400}:D>",
        f"<@{CAROL}> 1/6 (17%) · last came <t:{stamp + 7 * 7 * 86400}:D>",
        f"<@{DAVE}> 1/6 (17%) · last came <t:{stamp}:D>",
    ]
    assert reply.embeds[2].title == "Drifted away (came more often, none of the last 3 or more)"
    assert drifted == f"<@{BOB}> 3/6 (50%) · last came <t:{stamp + 2 * 7 * 86400}:D>"
    assert reply.embeds[2].footer.text == "4 members came · 1 answered and came to none"


async def test_a_meetup_in_no_series_is_refused_and_a_follow_up_series_is_shown_as_before(
    db: Database, sessionmaker: Sessions
) -> None:
    lone = await make_meetup(sessionmaker)
    with pytest.raises(NotInSeries, match=rf"Meetup #{lone.id} is not part of a series: it does not repeat"):
        await view(db, lone.id)
    filled = await small_series(sessionmaker)
    async with db.reading() as s:
        followup = await s.scalar(select(Meetup).where(Meetup.followup_of == filled.meetup_ids[7]))
    assert followup is not None
    sessions = await view(db, followup.id)
    assert isinstance(sessions, list)
    assert [r.meetup.id for r in sessions] == [filled.meetup_ids[7], followup.id]
    with pytest.raises(NotOrganizer):
        await view(db, filled.meetup_ids[0], actor=MEMBER)


def weekly_regulars(index: int) -> list[int]:
    """Members 0-99 come every week, 100-299 came to the first 100 weeks only, 300-499 now and then."""
    return [
        *range(100),
        *(range(100, 300) if index < 100 else ()),
        *(m for m in range(300, 500) if (m + index) % 7 == 0),
    ]


async def test_a_long_series_is_read_in_a_few_queries_and_shown_within_one_message(
    db: Database, sessionmaker: Sessions
) -> None:
    async with sessionmaker() as s, s.begin():
        filled = await fill_series(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            organizer_id=ORGANIZER.user_id,
            occurrences=260,
            came=weekly_regulars,
            answered=lambda index: [500, 501] if index == 0 else [],
            first=NOW - timedelta(weeks=259, days=1),
        )
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    report = await view(db, filled.meetup_ids[-1])
    read = time.perf_counter() - started
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert isinstance(report, SeriesAttendance)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 8
    assert read < 5, f"reading the series took {read:.2f} s"
    assert len(report.occurrences) == 260 and report.counted == 260 and len(report.members) == 500
    assert [m.user_id for m in report.members[:100]] == [MEMBER_IDS + n for n in range(100)]
    assert {m.user_id for m in report.drifted} == {MEMBER_IDS + n for n in range(100, 300)}

    started = time.perf_counter()
    reply = render_series_attendance(report)
    assert time.perf_counter() - started < 2
    sizes = [len(e.title or "") + len(e.description or "") + len(e.footer.text or "") for e in reply.embeds]
    assert sum(sizes) <= EMBED_TOTAL and len(reply.embeds) <= EMBEDS_PER_MESSAGE
    assert all(len(e.description or "") <= EMBED_DESCRIPTION for e in reply.embeds)
    head, regulars, drifted = (e.description or "" for e in reply.embeds)
    # The latest meetups are shown, after a line saying how many earlier ones are left out.
    [left_out] = [line for line in head.splitlines() if line.startswith("… ")]
    hidden = int(left_out.split()[1])
    assert left_out == f"… {hidden} earlier meetups left out: all are in the attached CSV."
    shown = [line for line in head.splitlines() if re.match(r"\*\*\d+\.\*\*", line)]
    assert len(shown) == 260 - hidden and shown[-1].startswith("**260.**")
    assert (
        regulars.splitlines()[0]
        == f"<@{MEMBER_IDS}> 260/260 (100%) · last came <t:{int(report.occurrences[-1].starts_at.timestamp())}:D>"
    )
    listed = regulars.splitlines()
    assert listed[-1] == f"… and {300 - (len(listed) - 1)} more members: all are in the attached CSV."
    assert drifted.splitlines()[0].startswith(f"<@{MEMBER_IDS + 100}> 100/260 (38%) · last came ")
    assert drifted.splitlines()[-1].endswith("more members: all are in the attached CSV.")
    assert reply.embeds[-1].footer.text == "500 members came · 2 answered and came to none"
    assert "the attached CSV" in reply.note and reply.csv_name == f"series-{filled.series_id}-attendance.csv"

    assert reply.csv is not None
    table = list(csv.reader(io.StringIO(reply.csv.decode())))
    assert len(table) == 1 + 502 and len(table[0]) == 8 + 260
    assert table[0][8].startswith("1. ") and table[0][-1].startswith("260. ")
    by_id = {int(row[0]): row for row in table[1:]}
    assert by_id[MEMBER_IDS + 150][2:5] == ["100", "260", "38"] and by_id[MEMBER_IDS + 150][7] == "yes"
    assert by_id[MEMBER_IDS + 150][8 + 99] == "yes" and by_id[MEMBER_IDS + 150][8 + 100] == "no"
    assert by_id[MEMBER_IDS + 500][1:5] == ["member 500", "0", "260", "0"]
