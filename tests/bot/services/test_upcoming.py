"""What is coming up, from the database: only posted meetups not over or cancelled and open polls,
of the channels given, soonest first; a member's own answers with their waitlist place; and the
board's place changed only by the process that still holds it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, MeetupStatus, RsvpSource, RsvpStatus, VoteKind
from bot.services import board_settings
from bot.services.board_settings import BoardPlace
from bot.services.errors import NotOrganizer
from bot.services.meetups import record_message
from bot.services.polls import record_poll_message
from bot.services.rsvps import Answer
from bot.services.upcoming import ComingMeetup, ComingPoll, MyAnswer, item_key, my_answers, whats_coming
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, make_meetup, rsvp_to_meetup
from tests.bot.services.test_polls import cast, make_poll

Sessions = async_sessionmaker[AsyncSession]


async def posted(sessionmaker: Sessions, **options: object) -> Meetup:
    meetup = await make_meetup(sessionmaker, **options)  # type: ignore[arg-type]
    async with sessionmaker() as s, s.begin():
        await record_message(s, meetup_id=meetup.id, message_id=10_000 + meetup.id)
    return meetup


async def test_only_posted_meetups_ahead_and_open_polls_of_the_channels_given_soonest_first(
    sessionmaker: Sessions,
) -> None:
    later = await posted(sessionmaker, title="Later", when="2026-12-20 19:00")
    sooner = await posted(sessionmaker, title="Sooner", when="2026-12-02 19:00")
    await make_meetup(sessionmaker, title="Never posted", when="2026-12-01 19:00")
    cancelled = await posted(sessionmaker, title="Cancelled", when="2026-12-03 19:00")
    over = await posted(sessionmaker, title="Over", when="2026-11-26 19:00")
    poll = await make_poll(sessionmaker)  # options from 5 December
    async with sessionmaker() as s, s.begin():
        await record_poll_message(s, poll_id=poll.id, message_id=20_000)
        meetup = await s.get(Meetup, cancelled.id)
        assert meetup is not None
        meetup.status = MeetupStatus.CANCELLED

    async with sessionmaker() as s:
        coming = await whats_coming(s, guild_id=GUILD, now=over.ends_at + timedelta(minutes=1), channel_ids={CHANNEL})
        hidden = await whats_coming(s, guild_id=GUILD, now=NOW, channel_ids={CHANNEL + 1})
        other_server = await whats_coming(s, guild_id=GUILD + 1, now=NOW, channel_ids={CHANNEL})
    assert [item_key(i) for i in coming.items] == [
        ("meetup", sooner.id),
        ("poll", poll.id),
        ("meetup", later.id),
    ]
    assert coming.total == 3
    assert hidden.items == [] and hidden.total == 0
    assert other_server.items == []
    found_poll = coming.items[1]
    assert isinstance(found_poll, ComingPoll) and found_poll.options == 3 and found_poll.voters == 0


async def test_past_the_limit_the_rest_are_counted(sessionmaker: Sessions) -> None:
    for day in range(1, 6):
        await posted(sessionmaker, title=f"Day {day}", when=f"2026-12-{day + 1:02d} 19:00")
    async with sessionmaker() as s:
        coming = await whats_coming(s, guild_id=GUILD, now=NOW, channel_ids={CHANNEL}, limit=2)
    assert len(coming.items) == 2 and coming.total == 5


async def test_a_member_s_answers_with_their_place_on_the_waitlist_and_votes(sessionmaker: Sessions) -> None:
    full = await posted(sessionmaker, title="Full", capacity=1)
    open_ = await posted(sessionmaker, title="Open", when="2026-12-06 19:00")
    poll = await make_poll(sessionmaker)
    async with sessionmaker() as s, s.begin():
        await record_poll_message(s, poll_id=poll.id, message_id=20_000)
    for user in (10, 11, 12):
        async with sessionmaker() as s, s.begin():
            await rsvp_to_meetup(
                s, guild_id=GUILD, meetup_id=full.id, user_id=user, answer=Answer.GOING,
                source=RsvpSource.BUTTON, toggle=False, now=NOW,
            )  # fmt: skip
    async with sessionmaker() as s, s.begin():
        await rsvp_to_meetup(
            s, guild_id=GUILD, meetup_id=open_.id, user_id=12, answer=Answer.MAYBE,
            source=RsvpSource.BUTTON, toggle=False, now=NOW,
        )  # fmt: skip
    await cast(sessionmaker, poll, 12, VoteKind.YES, [1])

    async with sessionmaker() as s:
        coming = await whats_coming(s, guild_id=GUILD, now=NOW, channel_ids={CHANNEL})
        mine = await my_answers(s, user_id=12, items=coming.items)
        first = await my_answers(s, user_id=11, items=coming.items)
        nobody = await my_answers(s, user_id=99, items=coming.items)
    assert mine[("meetup", full.id)] == MyAnswer(RsvpStatus.WAITLISTED, waitlist_place=2)
    assert mine[("meetup", open_.id)] == MyAnswer(RsvpStatus.MAYBE)
    assert mine[("poll", poll.id)] == MyAnswer(voted=True)
    assert first[("meetup", full.id)] == MyAnswer(RsvpStatus.WAITLISTED, waitlist_place=1)
    assert nobody == {}
    seats = next(i for i in coming.items if isinstance(i, ComingMeetup) and i.meetup.id == full.id)
    assert seats.going == 1 and seats.seats_left == 0
    voted = next(i for i in coming.items if isinstance(i, ComingPoll))
    assert voted.voters == 1


async def test_the_board_is_set_by_organizers_and_re_posted_once(sessionmaker: Sessions) -> None:
    with pytest.raises(NotOrganizer):
        async with sessionmaker() as s, s.begin():
            await board_settings.set_board(s, guild_id=GUILD, actor=MEMBER, place=BoardPlace(CHANNEL, 1))
    async with sessionmaker() as s, s.begin():
        assert await board_settings.set_board(s, guild_id=GUILD, actor=ORGANIZER, place=BoardPlace(CHANNEL, 1)) is None
    old = BoardPlace(CHANNEL, 1)
    async with sessionmaker() as s, s.begin():
        first = await board_settings.replace_board_message(s, guild_id=GUILD, old=old, message_id=2)
        second = await board_settings.replace_board_message(s, guild_id=GUILD, old=old, message_id=3)
    assert (first, second) == (True, False)  # two processes noticed the deletion: one post is kept
    async with sessionmaker() as s, s.begin():
        assert await board_settings.board_of(s, guild_id=GUILD) == BoardPlace(CHANNEL, 2)
        assert await board_settings.guilds_with_board(s) == {GUILD}
        assert await board_settings.clear_board(s, guild_id=GUILD, actor=ORGANIZER) == BoardPlace(CHANNEL, 2)
        assert await board_settings.board_of(s, guild_id=GUILD) is None
        assert await board_settings.clear_board(s, guild_id=GUILD, actor=ORGANIZER) is None
