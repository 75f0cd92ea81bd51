"""Messages deleted on Discord mark exactly the meetups and polls they showed, in that channel."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, Poll
from bot.services.deleted_messages import MarkedGone, mark_deleted_messages
from bot.services.meetups import record_message
from bot.services.polls import record_poll_message
from tests.bot.services.factories import CHANNEL, make_meetup
from tests.bot.services.test_polls import make_poll

Sessions = async_sessionmaker[AsyncSession]


async def test_only_the_meetups_and_polls_of_the_deleted_messages_are_marked(sessionmaker: Sessions) -> None:
    gone, kept = await make_meetup(sessionmaker, title="Gone"), await make_meetup(sessionmaker, title="Kept")
    poll = await make_poll(sessionmaker)
    async with sessionmaker() as s, s.begin():
        await record_message(s, meetup_id=gone.id, message_id=9001)
        await record_message(s, meetup_id=kept.id, message_id=9002)
        await record_poll_message(s, poll_id=poll.id, message_id=9003)

    async with sessionmaker() as s, s.begin():
        elsewhere = await mark_deleted_messages(s, channel_id=CHANNEL + 1, message_ids=[9001, 9003])
        marked = await mark_deleted_messages(s, channel_id=CHANNEL, message_ids=[9001, 9003, 4242])
        again = await mark_deleted_messages(s, channel_id=CHANNEL, message_ids=[9001])

    assert elsewhere == MarkedGone([], [])  # a message id means nothing in another channel
    assert marked == MarkedGone([gone.id], [poll.id])
    assert again == MarkedGone([], [])  # already marked: nothing to say twice
    async with sessionmaker() as s:
        missing = {
            m.title: m.message_missing for m in (await s.get(Meetup, gone.id), await s.get(Meetup, kept.id)) if m
        }
        stored_poll = await s.get(Poll, poll.id)
    assert missing == {"Gone": True, "Kept": False}
    assert stored_poll is not None and stored_poll.message_missing
