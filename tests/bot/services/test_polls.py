from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Poll, PollStatus, RsvpStatus, VoteKind
from bot.services.errors import DomainError, InvalidInput, NotOrganizer
from bot.services.meetup_input import MeetupInput
from bot.services.poll_finalize import finalize_poll
from bot.services.polls import (
    PollClosed,
    PollResults,
    VoteRequest,
    apply_votes,
    close_poll,
    create_poll,
    poll_options,
    poll_results,
)
from bot.services.roster import load_roster
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, choices_of, vote

Sessions = async_sessionmaker[AsyncSession]
THREE = "Dec 4 19:00; Dec 5 12:30; Dec 5 19:00"


async def make_poll(
    sessionmaker: Sessions, options: str = THREE, *, closes: str | None = None, capacity: int | None = None
) -> Poll:
    async with sessionmaker() as s, s.begin():
        return await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner", timezone="Asia/Seoul", capacity=capacity, where="Itaewon"),
            options_text=options,
            closes_text=closes,
            default_timezone="UTC",
            now=NOW,
        )


async def cast(
    sessionmaker: Sessions, poll: Poll, user: int, kind: VoteKind, numbers: list[int], *, at: int = 0
) -> PollResults:
    """Vote, and return the whole poll's results as they stand after it."""
    async with sessionmaker() as s, s.begin():
        options = await poll_options(s, poll.id)
        request = VoteRequest(user, kind, [options[n - 1].id for n in numbers], NOW + timedelta(seconds=at))
        await vote(s, guild_id=GUILD, poll_id=poll.id, request=request)
        stored = await s.get(Poll, poll.id)
        assert stored is not None
        return await poll_results(s, stored)


async def test_options_keep_the_exact_instants_typed_across_a_dst_change(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s, s.begin():
        poll = await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="t", timezone="Europe/Berlin"),
            options_text="2027-03-27 19:00\n2027-03-29 19:00",
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
        )
        options = await poll_options(s, poll.id)
    assert [o.starts_at for o in options] == [
        datetime(2027, 3, 27, 18, 0, tzinfo=UTC),  # UTC+1 before the change
        datetime(2027, 3, 29, 17, 0, tzinfo=UTC),  # UTC+2 after it
    ]


@pytest.mark.parametrize(
    ("options", "closes", "says"),
    [
        ("Dec 4 19:00", None, "at least 2"),
        (";".join(f"Dec {d} 19:00" for d in range(1, 27)), None, "at most 25"),
        ("Dec 4 19:00; Dec 4 19:00", None, "Option 2 (`Dec 4 19:00`) is the same time"),
        ("Dec 4 19:00; whenever", None, "Option 2 (`whenever`)"),
        ("2026-12-04 19:00; 2026-11-20 19:00", None, "Option 2 (`2026-11-20 19:00`) is in the past"),
        (THREE, "Dec 5 10:00", "before the earliest option"),
        (THREE, "2026-11-01 10:00", "in the past"),
        (THREE, "someday", "closing time"),
    ],
)
async def test_bad_options_name_the_one_at_fault(
    sessionmaker: Sessions, options: str, closes: str | None, says: str
) -> None:
    with pytest.raises(InvalidInput, match=says.replace("(", r"\(").replace(")", r"\)")):
        await make_poll(sessionmaker, options, closes=closes)


async def test_only_organizers_create_polls(sessionmaker: Sessions) -> None:
    with pytest.raises(NotOrganizer):
        async with sessionmaker() as s, s.begin():
            await create_poll(
                s,
                guild_id=GUILD,
                channel_id=CHANNEL,
                actor=MEMBER,
                typed=MeetupInput(title="t"),
                options_text=THREE,
                closes_text=None,
                default_timezone="UTC",
                now=NOW,
            )


async def test_votes_replace_by_kind_and_the_later_choice_wins(sessionmaker: Sessions) -> None:
    poll = await make_poll(sessionmaker, closes="in 24h")
    await cast(sessionmaker, poll, 1, VoteKind.YES, [1, 2])
    await cast(sessionmaker, poll, 1, VoteKind.IF_NEED_BE, [2, 3])  # option 2 moves to "if need be"
    await cast(sessionmaker, poll, 1, VoteKind.YES, [1])
    async with sessionmaker() as s:
        mine = await choices_of(s, poll_id=poll.id, user_id=1)
    assert [o.position for o in mine.yes] == [0]
    assert [o.position for o in mine.if_need_be] == [1, 2]
    results = await cast(sessionmaker, poll, 1, VoteKind.YES, [])
    assert [t.yes for t in results.options] == [[], [], []]
    async with sessionmaker() as s, s.begin():
        await vote(s, guild_id=GUILD, poll_id=poll.id, request=VoteRequest(1, None, [], NOW))
        stored = await s.get(Poll, poll.id)
        assert stored is not None
        assert (await poll_results(s, stored)).voters == []


async def test_a_batch_of_votes_gives_each_member_the_state_after_their_own_request(sessionmaker: Sessions) -> None:
    poll = await make_poll(sessionmaker, closes="in 24h")
    await cast(sessionmaker, poll, 1, VoteKind.YES, [1])  # stored before the batch
    async with sessionmaker() as s, s.begin():
        o = [option.id for option in await poll_options(s, poll.id)]
        results = await apply_votes(
            s,
            guild_id=GUILD,
            poll_id=poll.id,
            requests=[
                VoteRequest(1, VoteKind.YES, [o[1]], NOW),  # drops the stored option 1
                VoteRequest(2, VoteKind.IF_NEED_BE, [o[0], o[2]], NOW),
                VoteRequest(1, VoteKind.YES, [o[0], o[1]], NOW),  # takes option 1 back in the same batch
                VoteRequest(3, VoteKind.YES, [999_999], NOW),  # not an option: refused alone
                VoteRequest(2, VoteKind.YES, [o[2]], NOW),  # moves option 3 from "if need be"
                VoteRequest(3, None, [], NOW),
            ],
        )
    positions = [
        r if isinstance(r, DomainError) else ([x.position for x in r.yes], [x.position for x in r.if_need_be])
        for r in results
    ]
    assert positions[:3] == [([1], []), ([], [0, 2]), ([0, 1], [])]
    assert isinstance(positions[3], InvalidInput)
    assert positions[4:] == [([2], [0]), ([], [])]
    async with sessionmaker() as s:
        stored = await s.get(Poll, poll.id)
        assert stored is not None
        tally = await poll_results(s, stored)
    assert [(t.yes, t.if_need_be) for t in tally.options] == [([1], [2]), ([1], []), ([2], [])]


async def test_a_vote_after_closing_changes_nothing(sessionmaker: Sessions) -> None:
    poll = await make_poll(sessionmaker)
    await cast(sessionmaker, poll, 1, VoteKind.YES, [1])
    async with sessionmaker() as s, s.begin():
        _, closed_now = await close_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, now=NOW)
    assert closed_now
    with pytest.raises(PollClosed, match="This poll is closed"):
        await cast(sessionmaker, poll, 1, VoteKind.YES, [2])
    deadline_poll = await make_poll(sessionmaker, closes="in 1h")
    with pytest.raises(PollClosed):
        await cast(sessionmaker, deadline_poll, 1, VoteKind.YES, [2], at=3601)


async def test_best_option_tie_breaks(sessionmaker: Sessions) -> None:
    poll = await make_poll(sessionmaker)
    # Options 2 and 3 both have two "works"; option 3 has more "if need be" -> option 3.
    await cast(sessionmaker, poll, 1, VoteKind.YES, [2, 3])
    await cast(sessionmaker, poll, 2, VoteKind.YES, [2, 3])
    results = await cast(sessionmaker, poll, 3, VoteKind.IF_NEED_BE, [3])
    assert results.best().option.position == 2
    # With equal totals too, the earliest wins.
    results = await cast(sessionmaker, poll, 4, VoteKind.IF_NEED_BE, [2])
    assert results.best().option.position == 1


async def test_finalize_carries_voters_in_vote_order_into_going_maybe_and_waitlist(sessionmaker: Sessions) -> None:
    poll = await make_poll(sessionmaker, capacity=2)
    await cast(sessionmaker, poll, 30, VoteKind.YES, [3], at=1)
    await cast(sessionmaker, poll, 10, VoteKind.YES, [3], at=2)
    await cast(sessionmaker, poll, 20, VoteKind.YES, [3], at=3)
    await cast(sessionmaker, poll, 40, VoteKind.IF_NEED_BE, [3], at=4)
    await cast(sessionmaker, poll, 50, VoteKind.YES, [1], at=5)  # chose a losing time only
    async with sessionmaker() as s, s.begin():
        done = await finalize_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=None, now=NOW)
        roster = await load_roster(s, meetup=done.meetup)
    assert done.chosen.position == 2
    assert done.closed_now
    assert done.notify_user_ids == (30, 10, 20, 40)
    assert (done.meetup.title, done.meetup.location, done.meetup.capacity) == ("Dinner", "Itaewon", 2)
    assert roster.user_ids(RsvpStatus.GOING) == [30, 10]
    assert roster.user_ids(RsvpStatus.WAITLISTED) == [20]
    assert roster.user_ids(RsvpStatus.MAYBE) == [40]
    async with sessionmaker() as s:
        stored = await s.get(Poll, poll.id)
    assert stored is not None
    assert (stored.status, stored.meetup_id) == (PollStatus.FINALIZED, done.meetup.id)
    with pytest.raises(DomainError, match="already finalized"):
        async with sessionmaker() as s, s.begin():
            await finalize_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=1, now=NOW)


async def test_finalize_at_a_chosen_option(sessionmaker: Sessions) -> None:
    poll = await make_poll(sessionmaker)
    async with sessionmaker() as s, s.begin():
        done = await finalize_poll(s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=1, now=NOW)
    assert done.meetup.starts_at == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="options 1 to 3"):
        async with sessionmaker() as s, s.begin():
            other = await make_poll(sessionmaker)
            await finalize_poll(s, guild_id=GUILD, poll_id=other.id, actor=ORGANIZER, option_number=4, now=NOW)
