"""Redrawing a gathering's roll call when its last day is over, so that it says so and `I'm
coming` is disabled. The roll call refuses changes from then on whatever this timer does (the
service decides by the clock, `gatherings.is_over`); the timer only keeps the message in step.

A sweep every few minutes sets a timer for each end in the next minutes and redraws the roll calls
of those that passed since the last sweep; the first sweep after a start redraws those that ended
in the last two days, since an end may have passed while the bot was down."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Gathering
from bot.publishing.gathering_messages import GatheringMessages
from bot.services.gatherings import ends_at

log = logging.getLogger(__name__)

SWEEP_SECONDS = 300
HORIZON = timedelta(minutes=10)
LOOK_BACK = timedelta(days=2)


class GatheringEnds:
    def __init__(self, db: Database, scheduler: AsyncIOScheduler, messages: GatheringMessages) -> None:
        self.db = db
        self.scheduler = scheduler
        self.messages = messages
        self._swept_until: datetime | None = None  # ends up to here were drawn or have a timer

    async def start(self) -> None:
        self.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id="gathering-ends:sweep", replace_existing=True
        )
        await self.sweep()

    async def sweep(self) -> None:
        now = discord.utils.utcnow()
        since = self._swept_until or now - LOOK_BACK
        # By UTC date, a day either side covers every zone; each end is then placed in its own zone.
        query = select(Gathering).where(
            Gathering.message_id.is_not(None),
            Gathering.message_missing.is_(False),
            Gathering.ends_on >= (since - timedelta(days=1)).date(),
            Gathering.ends_on <= (now + HORIZON + timedelta(days=1)).date(),
        )
        async with self.db.reading() as session:
            rows = list(await session.scalars(query))
        self._swept_until = now
        for gathering in rows:
            end = ends_at(gathering)
            if since < end <= now:
                self.messages.refresh(gathering.id)
            elif now < end <= now + HORIZON:
                self.scheduler.add_job(
                    self.messages.refresh,
                    "date",
                    run_date=end,
                    args=(gathering.id,),
                    id=f"gathering-ends:{gathering.id}",
                    replace_existing=True,
                )
