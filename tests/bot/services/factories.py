"""Building meetups for service tests through the real service functions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, PollVote, RsvpSource, VoteKind
from bot.services.errors import DomainError
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.services.polls import MyChoices, VoteRequest, apply_votes, poll_options
from bot.services.rsvps import Answer, AnswerRequest, RsvpOutcome, apply_answers

GUILD = 5001
CHANNEL = 6001
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
ORGANIZER = Actor(user_id=1, permissions=MANAGE_EVENTS)
MEMBER = Actor(user_id=2, permissions=0)


async def make_meetup(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    capacity: int | None = None,
    when: str = "2026-12-05 19:00",
    title: str = "Karaoke night",
    guild_id: int = GUILD,
) -> Meetup:
    async with sessionmaker() as s, s.begin():
        return await create_meetup(
            s,
            guild_id=guild_id,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title=title, when=when, timezone="Asia/Seoul", capacity=capacity),
            default_timezone="UTC",
            now=NOW,
        )


# One answer or vote at a time, through the batch entry points the bot's queues use.


async def rsvp_to_meetup(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    user_id: int,
    answer: Answer,
    source: RsvpSource,
    toggle: bool,
    now: datetime,
) -> RsvpOutcome:
    request = AnswerRequest(user_id=user_id, answer=answer, source=source, toggle=toggle)
    [result] = await apply_answers(session, guild_id=guild_id, meetup_id=meetup_id, requests=[(request, now)])
    if isinstance(result, DomainError):
        raise result
    return result


async def withdraw_from_meetup(
    session: AsyncSession, *, guild_id: int, meetup_id: int, user_id: int, only: Answer | None, now: datetime
) -> RsvpOutcome:
    """A removed reaction: withdraws the member's answer if it is still the one the reaction gave."""
    request = AnswerRequest(user_id=user_id, answer=None, source=RsvpSource.REACTION, only=only)
    [result] = await apply_answers(session, guild_id=guild_id, meetup_id=meetup_id, requests=[(request, now)])
    if isinstance(result, DomainError):
        raise result
    return result


async def vote(session: AsyncSession, *, guild_id: int, poll_id: int, request: VoteRequest) -> MyChoices:
    [result] = await apply_votes(session, guild_id=guild_id, poll_id=poll_id, requests=[request])
    if isinstance(result, DomainError):
        raise result
    return result


async def choices_of(session: AsyncSession, *, poll_id: int, user_id: int) -> MyChoices:
    """The member's own votes as stored, in the poll's order."""
    kinds = {
        v.option_id: v.kind
        for v in await session.scalars(select(PollVote).where(PollVote.poll_id == poll_id, PollVote.user_id == user_id))
    }
    options = await poll_options(session, poll_id)
    return MyChoices(
        yes=[o for o in options if kinds.get(o.id) == VoteKind.YES],
        if_need_be=[o for o in options if kinds.get(o.id) == VoteKind.IF_NEED_BE],
        cleared=0,
    )
