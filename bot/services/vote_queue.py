"""Votes on polls, decided in batches per poll (see `batch_queue`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.services.batch_queue import BatchQueue
from bot.services.errors import DomainError
from bot.services.polls import MyChoices, VoteRequest, apply_votes

PollKey = tuple[int, int]  # guild id, poll id


async def _decide(
    session: AsyncSession, key: PollKey, requests: Sequence[VoteRequest]
) -> list[MyChoices | DomainError]:
    guild_id, poll_id = key
    return await apply_votes(session, guild_id=guild_id, poll_id=poll_id, requests=requests)


class VoteQueue(BatchQueue[PollKey, VoteRequest, MyChoices]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, _decide, what="votes")

    async def submit_vote(self, *, guild_id: int, poll_id: int, request: VoteRequest) -> MyChoices:
        return await self.submit((guild_id, poll_id), request)
