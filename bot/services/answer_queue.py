"""Answers to meetups, decided in batches per meetup (see `batch_queue`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.metrics import count_rsvp
from bot.services.batch_queue import BatchQueue
from bot.services.errors import DomainError
from bot.services.rsvps import AnswerRequest, RsvpOutcome, apply_answers

MeetupKey = tuple[int, int]  # guild id, meetup id
TimedAnswer = tuple[AnswerRequest, datetime]


async def _decide(
    session: AsyncSession, key: MeetupKey, requests: Sequence[TimedAnswer]
) -> list[RsvpOutcome | DomainError]:
    guild_id, meetup_id = key
    return await apply_answers(session, guild_id=guild_id, meetup_id=meetup_id, requests=requests)


class AnswerQueue(BatchQueue[MeetupKey, TimedAnswer, RsvpOutcome]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, _decide, what="answers")

    async def submit_answer(
        self, *, guild_id: int, meetup_id: int, request: AnswerRequest, now: datetime
    ) -> RsvpOutcome:
        outcome = await self.submit((guild_id, meetup_id), (request, now))
        count_rsvp(outcome.status)
        return outcome
