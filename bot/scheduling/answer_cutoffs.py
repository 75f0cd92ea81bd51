"""Redrawing a meetup's message when its answers close (`answers_close`), so that it says so.

Answers are refused from the cut-off on whatever this timer does (the service decides by the
clock, `lifecycle.answers_closed`); the timer only keeps the message in step. A sweep every half
minute sets a timer for each cut-off in the next minutes and redraws the messages of those that
passed since the last sweep; the first sweep after a start redraws every meetup whose answers
closed and that has not started, since a cut-off may have passed while the bot was down.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Meetup, MeetupStatus
from bot.publishing.meetup_messages import MeetupMessages

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
HORIZON = timedelta(minutes=10)


class AnswerCutoffs:
    def __init__(self, db: Database, scheduler: AsyncIOScheduler, meetup_messages: MeetupMessages) -> None:
        self.db = db
        self.scheduler = scheduler
        self.meetup_messages = meetup_messages
        self._swept_until: datetime | None = None  # cut-offs up to here were drawn or have a timer

    async def start(self) -> None:
        self.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id="answer-cutoffs:sweep", replace_existing=True
        )
        await self.sweep()

    async def sweep(self) -> None:
        now = discord.utils.utcnow()
        query = select(Meetup.id, Meetup.answers_close_at).where(
            Meetup.status == MeetupStatus.SCHEDULED,
            Meetup.message_id.is_not(None),
            Meetup.message_missing.is_(False),
            Meetup.starts_at > now,
            Meetup.answers_close_at <= now + HORIZON,
        )
        if self._swept_until is not None:
            query = query.where(Meetup.answers_close_at > self._swept_until)
        async with self.db.reading() as session:
            rows = (await session.execute(query)).all()
        self._swept_until = now
        passed = 0
        for meetup_id, closes_at in rows:
            assert closes_at is not None  # the query compares it
            if closes_at <= now:
                passed += 1
                self.meetup_messages.refresh(meetup_id)
            else:
                self.scheduler.add_job(
                    self._redraw,
                    "date",
                    run_date=closes_at,
                    args=(meetup_id,),
                    # One per meetup and moment: a moved cut-off sets another, and the old one only redraws.
                    id=f"answers-close:{meetup_id}:{int(closes_at.timestamp())}",
                    replace_existing=True,
                )
        if passed:
            log.info("Answers closed on %d meetups since the last look; their messages are redrawn", passed)

    async def _redraw(self, meetup_id: int) -> None:
        self.meetup_messages.refresh(meetup_id)
