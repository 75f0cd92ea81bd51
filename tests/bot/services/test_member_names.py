"""Display names kept with answers, votes and check-ins, and a poll's counts read by the database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import Poll, RsvpSource, VoteKind
from bot.services.answer_queue import AnswerQueue
from bot.services.attendance import check_in
from bot.services.poll_finalize import finalize_poll
from bot.services.poll_tallies import poll_results, poll_summary
from bot.services.polls import VoteRequest, apply_votes, poll_options
from bot.services.rsvps import Answer, AnswerRequest, apply_answers, member_names
from tests.bot.services.factories import GUILD, NOW, ORGANIZER, make_meetup
from tests.bot.services.test_polls import make_poll

Sessions = async_sessionmaker[AsyncSession]


async def answer(sessionmaker: Sessions, meetup_id: int, *requests: AnswerRequest, at: int = 0) -> None:
    async with sessionmaker() as s, s.begin():
        await apply_answers(
            s, guild_id=GUILD, meetup_id=meetup_id, requests=[(r, NOW + timedelta(seconds=at)) for r in requests]
        )


async def names_of(sessionmaker: Sessions, meetup_id: int) -> dict[int, str]:
    async with sessionmaker() as s:
        return await member_names(s, meetup_id=meetup_id)


async def test_an_answer_keeps_the_name_it_came_with_and_the_newest_one(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(
        sessionmaker,
        meetup.id,
        AnswerRequest(1, Answer.GOING, member_name="Minji"),
        AnswerRequest(2, Answer.MAYBE, RsvpSource.REACTION, member_name="=cmd"),
        AnswerRequest(3, Answer.DECLINED),  # an event without a member: no name, and none invented
    )
    assert await names_of(sessionmaker, meetup.id) == {1: "Minji", 2: "=cmd"}
    # Renamed, then the same answer again (a double click changes nothing else): the newest name.
    await answer(sessionmaker, meetup.id, AnswerRequest(1, Answer.GOING, member_name="Minji (PC)"), at=1)
    # A removed reaction carries no member: the name stays.
    await answer(sessionmaker, meetup.id, AnswerRequest(2, Answer.GOING, RsvpSource.REACTION), at=5)
    assert await names_of(sessionmaker, meetup.id) == {1: "Minji (PC)", 2: "=cmd"}


async def test_names_come_in_the_same_batch_as_a_burst_of_answers(db: Database, sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=5)
    queue = AnswerQueue(db)
    await asyncio.gather(
        *(
            queue.submit_answer(
                guild_id=GUILD,
                meetup_id=meetup.id,
                request=AnswerRequest(100 + n, Answer.GOING, member_name=f"member {n}"),
                now=NOW,
            )
            for n in range(40)
        )
    )
    assert queue.batches < 40  # batched, the names with them
    assert await names_of(sessionmaker, meetup.id) == {100 + n: f"member {n}" for n in range(40)}


async def test_a_check_in_keeps_the_name_of_one_who_never_answered(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    async with sessionmaker() as s, s.begin():
        await check_in(s, guild_id=GUILD, meetup_id=meetup.id, user_id=9, now=meetup.starts_at, member_name="김민지")
    assert await names_of(sessionmaker, meetup.id) == {9: "김민지"}


async def test_votes_keep_names_a_clear_counts_what_it_removed_and_finalize_carries_the_names(
    sessionmaker: Sessions,
) -> None:
    poll = await make_poll(sessionmaker)
    async with sessionmaker() as s, s.begin():
        options = [o.id for o in await poll_options(s, poll.id)]
        outcomes = await apply_votes(
            s,
            guild_id=GUILD,
            poll_id=poll.id,
            requests=[
                VoteRequest(1, VoteKind.YES, options[:2], NOW, voter_name="Old name"),
                VoteRequest(2, VoteKind.IF_NEED_BE, [options[0]], NOW, voter_name="Bruno"),
                VoteRequest(3, None, [], NOW),  # clears nothing
            ],
        )
    assert [getattr(o, "cleared", None) for o in outcomes] == [0, 0, 0]
    async with sessionmaker() as s, s.begin():
        await apply_votes(
            s,
            guild_id=GUILD,
            poll_id=poll.id,
            requests=[VoteRequest(1, VoteKind.YES, options[:2], NOW + timedelta(seconds=1), voter_name="New name")],
        )
    async with sessionmaker() as s:
        stored = await s.get(Poll, poll.id)
        assert stored is not None
        results = await poll_results(s, stored)
        summary = await poll_summary(s, stored)
    assert results.names == {1: "New name", 2: "Bruno"}
    assert results.voters == [1, 2]
    assert results.ballots[1].yes == [1, 2] and results.ballots[2].if_need_be == [1]
    assert summary == results.summary()  # the database's counts are the votes' counts
    assert (summary.voter_count, [(c.yes, c.if_need_be) for c in summary.options]) == (2, [(1, 1), (1, 0), (0, 0)])

    async with sessionmaker() as s, s.begin():
        done = await finalize_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=1, now=NOW)
    assert await names_of(sessionmaker, done.meetup.id) == {1: "New name", 2: "Bruno"}

    poll2 = await make_poll(sessionmaker, "Dec 6 19:00; Dec 7 12:30")
    async with sessionmaker() as s, s.begin():
        options = [o.id for o in await poll_options(s, poll2.id)]
        await apply_votes(s, guild_id=GUILD, poll_id=poll2.id, requests=[VoteRequest(5, VoteKind.YES, options, NOW)])
        [cleared] = await apply_votes(
            s, guild_id=GUILD, poll_id=poll2.id, requests=[VoteRequest(5, None, [], NOW + timedelta(seconds=1))]
        )
    assert getattr(cleared, "cleared", None) == 2
