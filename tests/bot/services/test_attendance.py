"""Attendance and the audiences of follow-up sessions, in the database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, Poll, RsvpSource, VoteKind
from bot.rendering.attendees import CSV_COLUMNS, render_attendees_csv
from bot.rendering.followup_texts import followup_invitation
from bot.services import attendance
from bot.services.attendance import check_in, mark_attendance
from bot.services.errors import DomainError, NotOrganizer
from bot.services.followups import (
    AudienceKind,
    Proposal,
    compute_audience,
    create_followup,
    create_followup_poll,
    propose_time,
    series_record,
)
from bot.services.meetup_input import MeetupInput
from bot.services.poll_finalize import finalize_poll
from bot.services.polls import VoteRequest, create_poll, poll_options
from bot.services.roster import load_roster
from bot.services.rsvps import Answer
from tests.bot.services.factories import (
    CHANNEL,
    GUILD,
    MEMBER,
    NOW,
    ORGANIZER,
    choices_of,
    make_meetup,
    rsvp_to_meetup,
    vote,
)

Sessions = async_sessionmaker[AsyncSession]


async def answer(sessionmaker: Sessions, meetup: Meetup, user_id: int, choice: Answer) -> None:
    async with sessionmaker() as s, s.begin():
        await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            user_id=user_id,
            answer=choice,
            source=RsvpSource.BUTTON,
            toggle=False,
            now=NOW,
        )


async def present(sessionmaker: Sessions, meetup: Meetup, user_ids: list[int]) -> None:
    """The organizer marks them present as the meetup ends."""
    async with sessionmaker() as s, s.begin():
        await mark_attendance(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            user_ids=user_ids,
            present=True,
            now=meetup.ends_at,
        )


async def test_check_in_is_open_from_half_an_hour_before_to_two_hours_after(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, when="2026-11-26 10:00")  # Seoul: 01:00 UTC
    start = meetup.starts_at
    for moment, says in [
        (start - timedelta(minutes=31), "Check-in opens"),
        (meetup.ends_at + timedelta(hours=2, seconds=1), "Check-in closed"),
    ]:
        async with sessionmaker() as s, s.begin():
            with pytest.raises(DomainError, match=says):
                await check_in(s, guild_id=GUILD, meetup_id=meetup.id, user_id=7, now=moment)
    async with sessionmaker() as s, s.begin():
        done = await check_in(s, guild_id=GUILD, meetup_id=meetup.id, user_id=7, now=start - timedelta(minutes=30))
        late = await check_in(
            s, guild_id=GUILD, meetup_id=meetup.id, user_id=8, now=meetup.ends_at + timedelta(hours=1)
        )
        again = await check_in(s, guild_id=GUILD, meetup_id=meetup.id, user_id=7, now=start)
    assert (done.already, late.already, again.already) == (False, False, True)
    assert again.at == start - timedelta(minutes=30)  # the first check-in's time is kept


async def test_organizers_mark_present_and_absent_and_marks_add_up(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await present(sessionmaker, meetup, [1, 2, 3])
    await present(sessionmaker, meetup, [3, 4])
    later = meetup.ends_at + timedelta(days=3)  # organizers may fill attendance in after check-in closed
    async with sessionmaker() as s, s.begin():
        marked = await mark_attendance(
            s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, user_ids=[2], present=False, now=later
        )
        with pytest.raises(NotOrganizer):
            await mark_attendance(
                s, guild_id=GUILD, meetup_id=meetup.id, actor=MEMBER, user_ids=[5], present=True, now=later
            )
    assert (marked.changed, marked.present_total) == (1, 3)
    async with sessionmaker() as s:
        assert (await attendance.attended_ids(s, [meetup.id]))[meetup.id] == {1, 3, 4}


async def test_every_audience_kind(sessionmaker: Sessions) -> None:
    first = await make_meetup(sessionmaker, capacity=2)
    for user_id, choice in [(11, Answer.GOING), (12, Answer.GOING), (13, Answer.GOING), (14, Answer.MAYBE)]:
        await answer(sessionmaker, first, user_id, choice)
    await answer(sessionmaker, first, 15, Answer.DECLINED)
    await present(sessionmaker, first, [11, 16])  # 16 came without answering
    over = first.ends_at + timedelta(minutes=1)
    async with sessionmaker() as s:
        audiences = {
            kind: (
                await compute_audience(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, kind=kind, now=over)
            ).user_ids
            for kind in AudienceKind
        }
    assert audiences == {
        AudienceKind.MISSED: (12, 13, 14, 15),  # 13 is on the waitlist
        AudienceKind.DECLINED: (15,),
        AudienceKind.NO_SHOWS: (12,),
        AudienceKind.ALL: (11, 12, 13, 14, 15),
    }
    # A member who came to an earlier session of the series has not missed the series.
    async with sessionmaker() as s, s.begin():
        second = await create_followup(
            s,
            guild_id=GUILD,
            meetup_id=first.id,
            actor=ORGANIZER,
            typed=MeetupInput(when="2026-12-12 19:00"),
            channel_id=1,
            now=over,
        )
    assert (second.series_id, second.followup_of, second.title, second.capacity) == (first.id, first.id, first.title, 2)
    for user_id in (11, 12, 17):
        await answer(sessionmaker, second, user_id, Answer.GOING)
    after_second = second.ends_at + timedelta(minutes=1)
    async with sessionmaker() as s:
        missed = await compute_audience(
            s, guild_id=GUILD, meetup_id=second.id, actor=ORGANIZER, kind=AudienceKind.MISSED, now=after_second
        )
        with pytest.raises(NotOrganizer):
            await compute_audience(
                s, guild_id=GUILD, meetup_id=second.id, actor=MEMBER, kind=AudienceKind.ALL, now=after_second
            )
        records = await series_record(s, guild_id=GUILD, meetup_id=second.id, actor=ORGANIZER)
        with pytest.raises(NotOrganizer):
            await series_record(s, guild_id=GUILD, meetup_id=second.id, actor=MEMBER)
    assert missed.user_ids == (12, 17)
    assert [r.meetup.id for r in records] == [first.id, second.id]


async def test_attended_columns_in_the_csv_and_long_invitations_split(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup, 21, Answer.GOING)
    await answer(sessionmaker, meetup, 22, Answer.GOING)
    await present(sessionmaker, meetup, [21, 23])
    async with sessionmaker() as s:
        roster = await load_roster(s, meetup=meetup)
    rows = list(csv.reader(io.StringIO(render_attendees_csv(roster, {}).decode())))
    assert tuple(rows[0]) == CSV_COLUMNS and CSV_COLUMNS[-2:] == ("attended", "attended_at_utc")
    by_user = {row[0]: row for row in rows[1:]}
    assert by_user["21"][-2] == "yes" and by_user["22"][-2:] == ["no", ""] and by_user["23"][2] == ""
    posts = followup_invitation(
        meetup, meetup, list(range(1000, 1250)), "https://discord.com/channels/1/2/3", kind=AudienceKind.MISSED
    )
    assert [len(p.ping_user_ids) for p in posts] == [100, 100, 50]
    assert all(len(p.content) <= 2000 for p in posts)


async def poll_with_votes(sessionmaker: Sessions, options: str, votes: dict[int, list[tuple[int, VoteKind]]]) -> Poll:
    async with sessionmaker() as s, s.begin():
        poll = await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner", timezone="Asia/Seoul"),
            options_text=options,
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
        )
    await cast_votes(sessionmaker, poll, votes)
    return poll


async def cast_votes(sessionmaker: Sessions, poll: Poll, votes: dict[int, list[tuple[int, VoteKind]]]) -> None:
    """`votes`: option number -> (member, kind), cast one after another."""
    async with sessionmaker() as s, s.begin():
        options = await poll_options(s, poll.id)
        at = 0
        for number, voters in votes.items():
            for user_id, kind in voters:
                at += 1
                mine = [o.id for o in options if (number - 1) == o.position]
                earlier = await choices_of(s, poll_id=poll.id, user_id=user_id)
                kept = [o.id for o in (earlier.yes if kind == VoteKind.YES else earlier.if_need_be)]
                request = VoteRequest(user_id, kind, [*kept, *mine], NOW + timedelta(seconds=at))
                await vote(s, guild_id=GUILD, poll_id=poll.id, request=request)


async def finalize(sessionmaker: Sessions, poll: Poll, option: int) -> Meetup:
    async with sessionmaker() as s, s.begin():
        done = await finalize_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=option, now=NOW)
    return done.meetup


async def proposal_for(sessionmaker: Sessions, meetup: Meetup, kind: AudienceKind) -> Proposal | None:
    """The proposal as the meetup ends."""
    async with sessionmaker() as s:
        audience = await compute_audience(
            s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, kind=kind, now=meetup.ends_at
        )
        return await propose_time(s, audience, now=meetup.ends_at)


async def test_a_proposal_never_offers_the_meetup_s_own_time(sessionmaker: Sessions) -> None:
    yes, maybe = VoteKind.YES, VoteKind.IF_NEED_BE
    poll = await poll_with_votes(
        sessionmaker,
        "Dec 4 19:00; Dec 5 12:30; Dec 5 19:00",
        {1: [(11, yes), (12, yes), (13, yes)], 2: [(11, maybe), (14, yes)], 3: [(12, yes), (14, maybe)]},
    )
    first = await finalize(sessionmaker, poll, 1)
    proposal = await proposal_for(sessionmaker, first, AudienceKind.ALL)
    assert proposal is not None and proposal.poll.id == poll.id
    # Option 1 has the most "works" but is the meetup's own time; 2 and 3 tie on works (1 each) and
    # on works + if need be (2 each): the earlier wins.
    assert proposal.option.starts_at == datetime(2026, 12, 5, 3, 30, tzinfo=UTC)  # 12:30 in Seoul
    assert (proposal.works, proposal.if_need_be) == (1, 1)
    assert first.starts_at not in [o.starts_at for o in proposal.candidates] and len(proposal.candidates) == 2


async def test_a_proposal_for_a_later_session_reads_that_session_s_own_poll(sessionmaker: Sessions) -> None:
    yes = VoteKind.YES
    first_poll = await poll_with_votes(
        sessionmaker, "Dec 4 19:00; Dec 12 19:00", {1: [(11, yes)], 2: [(21, yes), (22, yes), (23, yes)]}
    )
    first = await finalize(sessionmaker, first_poll, 1)
    async with sessionmaker() as s, s.begin():
        second_poll = await create_followup_poll(
            s,
            guild_id=GUILD,
            meetup_id=first.id,
            actor=ORGANIZER,
            typed=MeetupInput(),
            options_text="Dec 10 19:00; Dec 11 19:00; Dec 13 19:00",
            channel_id=CHANNEL,
            default_timezone="UTC",
            now=first.ends_at,
        )
    await cast_votes(sessionmaker, second_poll, {1: [(21, yes)], 2: [(22, yes), (23, yes)], 3: [(21, yes)]})
    second = await finalize(sessionmaker, second_poll, 1)
    assert second.series_id == first.id
    proposal = await proposal_for(sessionmaker, second, AudienceKind.ALL)
    # The first poll's votes (three for Dec 12) are not this session's: its own poll says Dec 11.
    assert proposal is not None and proposal.poll.id == second_poll.id
    assert proposal.option.starts_at == datetime(2026, 12, 11, 10, 0, tzinfo=UTC)  # 19:00 in Seoul
    assert proposal.works == 2
    assert [o.starts_at.day for o in proposal.candidates] == [11, 13]  # not Dec 10, the session's own time


async def test_a_follow_up_poll_reads_its_options_in_the_first_meetup_s_zone_unless_one_names_its_own(
    sessionmaker: Sessions,
) -> None:
    first_poll = await poll_with_votes(sessionmaker, "Dec 4 19:00; Dec 5 19:00", {1: [(11, VoteKind.YES)]})
    first = await finalize(sessionmaker, first_poll, 1)
    async with sessionmaker() as s, s.begin():
        second_poll = await create_followup_poll(
            s,
            guild_id=GUILD,
            meetup_id=first.id,
            actor=ORGANIZER,
            typed=MeetupInput(),
            options_text="Dec 10 19:00; Dec 11 19:00 UTC; Dec 12 10:00 +01:00",
            channel_id=CHANNEL,
            default_timezone="UTC",
            now=first.ends_at,
        )
        options = await poll_options(s, poll_id=second_poll.id)
    assert second_poll.timezone == first.timezone == "Asia/Seoul"
    assert [o.starts_at for o in options] == [
        datetime(2026, 12, 10, 10, 0, tzinfo=UTC),  # 19:00 in Seoul
        datetime(2026, 12, 11, 19, 0, tzinfo=UTC),
        datetime(2026, 12, 12, 9, 0, tzinfo=UTC),
    ]
