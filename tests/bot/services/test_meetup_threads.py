"""A meetup's thread as stored: who is still to be added, where posts go, a thread gone, the close,
and the server's default."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, MeetupStatus, RsvpSource
from bot.services import meetup_threads, thread_settings
from bot.services.errors import DomainError
from bot.services.rsvps import Answer
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, make_meetup, rsvp_to_meetup

Sessions = async_sessionmaker[AsyncSession]
THREAD = 7001


async def _answer(sessionmaker: Sessions, meetup_id: int, user_id: int, answer: Answer, minutes: int) -> None:
    async with sessionmaker() as s, s.begin():
        await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            user_id=user_id,
            answer=answer,
            source=RsvpSource.BUTTON,
            toggle=False,
            now=NOW + timedelta(minutes=minutes),
        )


async def _to_add(sessionmaker: Sessions, meetup_id: int) -> list[int]:
    async with sessionmaker() as s:
        return await meetup_threads.members_to_add(s, meetup_id=meetup_id)


async def test_going_members_are_to_be_added_once_in_order_promotions_included(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=2)
    for minute, user in enumerate((11, 12, 13)):
        await _answer(sessionmaker, meetup.id, user, Answer.GOING, minute)  # 13 waits
    assert await _to_add(sessionmaker, meetup.id) == []  # no thread yet

    async with sessionmaker() as s, s.begin():
        await meetup_threads.record_thread(s, meetup_id=meetup.id, thread_id=THREAD)
    assert await _to_add(sessionmaker, meetup.id) == [11, 12]
    async with sessionmaker() as s, s.begin():
        await meetup_threads.record_added(s, meetup_id=meetup.id, user_id=11)
        await meetup_threads.record_added(s, meetup_id=meetup.id, user_id=11)  # twice is once
    await _answer(sessionmaker, meetup.id, 11, Answer.DECLINED, 5)  # withdraws: 13 moves in
    assert await _to_add(sessionmaker, meetup.id) == [12, 13]
    await _answer(sessionmaker, meetup.id, 11, Answer.GOING, 6)  # waits now; was added already
    async with sessionmaker() as s, s.begin():
        await meetup_threads.record_added(s, meetup_id=meetup.id, user_id=12)
        await meetup_threads.record_added(s, meetup_id=meetup.id, user_id=13)
    assert await _to_add(sessionmaker, meetup.id) == []


async def test_posts_go_to_the_thread_until_it_is_gone_and_a_closed_meetup_archives_it(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await _answer(sessionmaker, meetup.id, 11, Answer.GOING, 0)
    async with sessionmaker() as s, s.begin():
        await meetup_threads.record_thread(s, meetup_id=meetup.id, thread_id=THREAD)
        stored = await s.get(Meetup, meetup.id)
        assert stored is not None
        assert meetup_threads.post_channel_of(stored) == THREAD
        assert not meetup_threads.to_archive(stored)
        await s.execute(update(Meetup).where(Meetup.id == meetup.id).values(status=MeetupStatus.FINISHED))
    async with sessionmaker() as s, s.begin():
        closed = await s.get(Meetup, meetup.id)
        assert closed is not None and meetup_threads.to_archive(closed)
        assert await meetup_threads.members_to_add(s, meetup_id=meetup.id) == []  # closed: nobody joins
        assert await meetup_threads.meetups_to_reconcile(s, guild_id=GUILD) == [meetup.id]
        await meetup_threads.record_archived(s, meetup_id=meetup.id)
    async with sessionmaker() as s, s.begin():
        assert await meetup_threads.meetups_to_reconcile(s, guild_id=GUILD) == []
        assert not await meetup_threads.mark_thread_gone(s, meetup_id=meetup.id, thread_id=THREAD + 1)
        assert await meetup_threads.mark_thread_gone(s, meetup_id=meetup.id, thread_id=THREAD)
        assert not await meetup_threads.mark_thread_gone(s, meetup_id=meetup.id, thread_id=THREAD)  # once
    async with sessionmaker() as s:
        gone = await s.get(Meetup, meetup.id)
    assert gone is not None and meetup_threads.post_channel_of(gone) == CHANNEL


async def test_the_server_default_is_off_and_only_organizers_change_it(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s, s.begin():
        assert not await thread_settings.wants_thread(s, guild_id=GUILD, asked=None)
        with pytest.raises(DomainError):
            await thread_settings.set_threads_default(s, guild_id=GUILD, actor=MEMBER, on=True)
    async with sessionmaker() as s, s.begin():
        assert await thread_settings.set_threads_default(s, guild_id=GUILD, actor=ORGANIZER, on=True) is False
    async with sessionmaker() as s:
        assert await thread_settings.wants_thread(s, guild_id=GUILD, asked=None)
        assert not await thread_settings.wants_thread(s, guild_id=GUILD, asked=False)  # the command wins
