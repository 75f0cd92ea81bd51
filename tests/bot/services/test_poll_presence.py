"""A poll among a gathering's members: its days, present counts, away votes, invitation and finalize."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Gathering, Meetup, Poll, Rsvp, RsvpStatus, VoteKind
from bot.services import gatherings
from bot.services.errors import InvalidInput
from bot.services.meetup_input import MeetupInput
from bot.services.poll_finalize import finalize_poll
from bot.services.poll_presence import open_polls_of_gathering, poll_audience
from bot.services.poll_tallies import poll_results, poll_summary
from bot.services.polls import VoteRequest, create_poll, poll_options
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER, vote

Sessions = async_sessionmaker[AsyncSession]
# Seoul: Dec 1, Dec 3 at 08:00 (Dec 2 in UTC: the day is the gathering's own), Dec 4.
OPTIONS = "Dec 1 19:00; Dec 3 08:00; Dec 4 23:30"
DAYS = {
    101: [date(2026, 12, d) for d in (1, 2, 3, 4)],
    102: [date(2026, 12, 1)],
    103: [date(2026, 12, 3), date(2026, 12, 4)],
    104: [date(2026, 12, 4)],
    105: [date(2026, 12, 2)],  # away on every day of the poll
}
OUTSIDER = 900  # votes, not on the roll call


async def conference(sessionmaker: Sessions) -> Gathering:
    async with sessionmaker() as s, s.begin():
        made = await gatherings.create_gathering(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            title="NeurIPS",
            where=None,
            zone="Asia/Seoul",
            starts="Dec 1",
            ends="Dec 4",
            now=NOW,
            default_timezone="UTC",
        )
        for user_id, days in DAYS.items():
            await gatherings.join(s, gathering=made, user_id=user_id, member_name=None, now=NOW)
            await gatherings.set_days(s, gathering=made, user_id=user_id, days=days, now=NOW)
        return made


async def gathering_poll(sessionmaker: Sessions, gathering: Gathering, options: str = OPTIONS) -> Poll:
    async with sessionmaker() as s, s.begin():
        return await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner"),
            options_text=options,
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
            gathering_id=gathering.id,
        )


async def cast(sessionmaker: Sessions, poll: Poll, user: int, kind: VoteKind, numbers: list[int]) -> None:
    async with sessionmaker() as s, s.begin():
        options = await poll_options(s, poll.id)
        request = VoteRequest(user, kind, [options[n - 1].id for n in numbers], NOW)
        await vote(s, guild_id=GUILD, poll_id=poll.id, request=request)


async def test_the_options_are_read_in_the_gathering_s_zone_and_keep_to_its_days(sessionmaker: Sessions) -> None:
    gathering = await conference(sessionmaker)
    poll = await gathering_poll(sessionmaker, gathering)
    assert (poll.timezone, poll.gathering_id) == ("Asia/Seoul", gathering.id)
    for options, says in {
        "Nov 30 19:00; Dec 1 19:00": "Option 1 is on Mon 30 Nov, before the gathering's first day (Tue 1 Dec)",
        "Dec 1 19:00; Dec 5 00:30": "Option 2 is on Sat 5 Dec, after the gathering's last day (Fri 4 Dec)",
    }.items():
        with pytest.raises(InvalidInput) as refused:
            await gathering_poll(sessionmaker, gathering, options)
        assert refused.value.user_message.startswith(says), refused.value.user_message
        assert "Tue 1 Dec to Fri 4 Dec (Asia/Seoul)" in refused.value.user_message
    async with sessionmaker() as s:
        assert await open_polls_of_gathering(s, gathering_id=gathering.id) == [poll.id]


async def test_votes_on_a_day_the_voter_is_away_are_kept_and_not_counted(sessionmaker: Sessions) -> None:
    gathering = await conference(sessionmaker)
    poll = await gathering_poll(sessionmaker, gathering)
    await cast(sessionmaker, poll, 102, VoteKind.YES, [1, 2])  # away on Dec 3
    await cast(sessionmaker, poll, 103, VoteKind.YES, [1])  # away on Dec 1
    await cast(sessionmaker, poll, 103, VoteKind.IF_NEED_BE, [3])
    await cast(sessionmaker, poll, OUTSIDER, VoteKind.YES, [2])
    async with sessionmaker() as s:
        summary = await poll_summary(s, poll)
        results = await poll_results(s, poll)
    counted = [(c.yes, c.if_need_be, c.present) for c in summary.options]
    assert counted == [(1, 0, 2), (1, 0, 2), (0, 1, 3)]
    assert summary.roll_call == results.roll_call == 5
    assert summary.voter_count == 3
    assert results.summary() == summary
    assert [t.away for t in results.options] == [(103,), (102,), ()]
    assert results.ballots[103].away == [1] and results.ballots[103].if_need_be == [3]

    # 102 will be there on Dec 3 after all: the vote kept counts again.
    async with sessionmaker() as s, s.begin():
        await gatherings.set_days(
            s, gathering=gathering, user_id=102, days=[date(2026, 12, 1), date(2026, 12, 3)], now=NOW
        )
    async with sessionmaker() as s:
        assert (await poll_summary(s, poll)).options[1].yes == 2

    # Finalized at Dec 1: 103's vote there is not carried over; the meetup is the gathering's.
    async with sessionmaker() as s, s.begin():
        done = await finalize_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=1, now=NOW)
    assert done.notify_user_ids == (102,)
    async with sessionmaker() as s:
        meetup = await s.get(Meetup, done.meetup.id)
        answers = (await s.execute(select(Rsvp.user_id, Rsvp.status).where(Rsvp.meetup_id == done.meetup.id))).all()
    assert meetup is not None and meetup.gathering_id == gathering.id
    assert [tuple(a) for a in answers] == [(102, RsvpStatus.GOING)]


async def test_the_invitation_is_for_those_there_on_a_candidate_day(sessionmaker: Sessions) -> None:
    gathering = await conference(sessionmaker)
    poll = await gathering_poll(sessionmaker, gathering)
    async with sessionmaker() as s:
        options = await poll_options(s, poll.id)
        audience = await poll_audience(s, poll=poll, option_times=[o.starts_at for o in options])
        only_dec_1 = await poll_audience(s, poll=poll, option_times=[options[0].starts_at])
    assert audience is not None and only_dec_1 is not None
    assert (audience.invited, audience.away_every_day) == ([101, 102, 103, 104], 1)
    assert (only_dec_1.invited, only_dec_1.away_every_day) == ([101, 102], 3)


async def test_a_poll_without_a_gathering_counts_as_before(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s, s.begin():
        poll = await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner"),
            options_text=OPTIONS,
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
        )
    await cast(sessionmaker, poll, 102, VoteKind.YES, [1, 2])
    async with sessionmaker() as s:
        summary = await poll_summary(s, poll)
        assert await poll_audience(s, poll=poll, option_times=[]) is None
    assert poll.timezone == "UTC" and summary.roll_call is None
    assert [(c.yes, c.present) for c in summary.options] == [(1, None), (1, None), (0, None)]
