"""Redrawing meetup messages when the clock moves a meetup on (see `services/lifecycle.py`):
check-in opens half an hour before the start, the meetup starts, it ends, and check-in closes two
hours later, when the meetup is finished (`workflows/close_check_in.py`).

`meetup.shown_phase` records what each message last showed, so a phase change that happened while
the bot was down is drawn at the next sweep, and one that was drawn is not drawn again.

A sweep handles every meetup that moved on, so one pass runs at a time and one timer waits for
the next move of any meetup. With a timer and a pass per move, 1,000 meetups ending within a
minute (a recurring-series benchmark) ran hundreds of passes at once, which took every database
connection for a minute and held up everything else the bot did.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import and_, or_, select

from bot.db.database import Database
from bot.db.models import Meetup, MeetupStatus
from bot.publishing.meetup_messages import MeetupMessages
from bot.services.lifecycle import CHECK_IN_CLOSES_AFTER, CHECK_IN_OPENS_BEFORE, Phase, phase_changes, phase_of
from bot.workflows.close_check_in import close_due_check_ins

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
HORIZON = timedelta(minutes=10)
_NEXT_MOVE = "meetup-phases:next-move"


class MeetupPhases:
    def __init__(self, db: Database, scheduler: AsyncIOScheduler, meetup_messages: MeetupMessages) -> None:
        self.db = db
        self.scheduler = scheduler
        self.meetup_messages = meetup_messages
        self._one_pass = asyncio.Lock()
        self._next_pass: asyncio.Task[None] | None = None
        self._woken: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id="meetup-phases:sweep", replace_existing=True
        )
        await self.sweep()

    async def sweep(self) -> None:
        """Finish the meetups whose check-in closed, redraw every message whose meetup moved on
        since it was drawn, and set the timer for the next move. Returns after a pass that began
        after the call; calls made while one pass waits to begin share it."""
        if self._next_pass is None:
            self._next_pass = asyncio.get_running_loop().create_task(self._pass_after_the_running_one())
        await asyncio.shield(self._next_pass)

    async def _pass_after_the_running_one(self) -> None:
        async with self._one_pass:
            self._next_pass = None  # calls from now on need a pass that begins after this one
            await self._pass()

    async def _pass(self) -> None:
        now = discord.utils.utcnow()
        await close_due_check_ins(self.db, self.meetup_messages, now=now)
        async with self.db.reading() as session:
            due = list(
                (
                    await session.scalars(
                        select(Meetup).where(
                            # Finished ones too: a process that finished one may have stopped before its redraw.
                            Meetup.status.in_((MeetupStatus.SCHEDULED, MeetupStatus.FINISHED)),
                            Meetup.message_id.is_not(None),
                            Meetup.message_missing.is_(False),
                            Meetup.starts_at <= now + CHECK_IN_OPENS_BEFORE,
                            Meetup.shown_phase != Phase.CLOSED.value,
                        )
                    )
                ).all()
            )
            soon = await session.scalars(
                select(Meetup).where(
                    Meetup.status == MeetupStatus.SCHEDULED,
                    Meetup.message_id.is_not(None),
                    or_(
                        and_(
                            Meetup.starts_at > now + CHECK_IN_OPENS_BEFORE,
                            Meetup.starts_at <= now + HORIZON + CHECK_IN_OPENS_BEFORE,
                        ),
                        and_(Meetup.starts_at > now, Meetup.starts_at <= now + HORIZON),
                        and_(Meetup.ends_at > now, Meetup.ends_at <= now + HORIZON),
                        and_(
                            Meetup.ends_at > now - CHECK_IN_CLOSES_AFTER,
                            Meetup.ends_at <= now + HORIZON - CHECK_IN_CLOSES_AFTER,
                        ),
                    ),
                )
            )
            upcoming = [m for meetup in soon for m in phase_changes(meetup) if now < m <= now + HORIZON]
        if upcoming:
            self._wake_at(min(upcoming))
        for meetup in due:
            phase = phase_of(meetup, now)
            if phase.value == meetup.shown_phase:
                continue
            try:
                await self.meetup_messages.redraw(meetup.id)  # records the phase it drew
            except discord.HTTPException as exc:
                log.warning("Could not redraw meetup #%s for its %s phase: %s", meetup.id, phase, exc)

    def _wake_at(self, moment: datetime) -> None:
        job = self.scheduler.get_job(_NEXT_MOVE)
        if job is None or job.next_run_time != moment:
            self.scheduler.add_job(self._woken_up, "date", run_date=moment, id=_NEXT_MOVE, replace_existing=True)

    async def _woken_up(self) -> None:
        # Returns at once: the pass sets this timer again for the next move, which may come before
        # the pass ends, and the scheduler skips a job whose earlier run has not returned.
        task = asyncio.get_running_loop().create_task(self._sweep_logged())
        self._woken.add(task)
        task.add_done_callback(self._woken.discard)

    async def _sweep_logged(self) -> None:
        try:
            await self.sweep()
        except Exception:
            log.exception("The phase sweep failed; the next one tries again")
