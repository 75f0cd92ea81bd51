"""Redrawing meetup messages when the clock moves a meetup on: check-in opens half an hour before
the start, the meetup ends, check-in closes two hours later.

`meetup.shown_phase` records what each message last showed, so a phase change that happened while
the bot was down is drawn at the next sweep, and one that was drawn is not drawn again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from sqlalchemy import and_, or_, select

from bot.db.models import Meetup, MeetupStatus
from bot.services.attendance import CHECK_IN_CLOSES_AFTER, CHECK_IN_OPENS_BEFORE, Phase, phase_changes, phase_of

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
HORIZON = timedelta(minutes=10)


class MeetupPhases:
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    async def start(self) -> None:
        self.bot.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id="meetup-phases:sweep", replace_existing=True
        )
        await self.sweep()

    async def sweep(self) -> None:
        """Redraw every message whose meetup moved on since it was drawn; set timers for the next moves."""
        now = discord.utils.utcnow()
        async with self.bot.db.reading() as session:
            due = list(
                (
                    await session.scalars(
                        select(Meetup).where(
                            Meetup.status == MeetupStatus.SCHEDULED,
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
                        and_(Meetup.ends_at > now, Meetup.ends_at <= now + HORIZON),
                        and_(
                            Meetup.ends_at > now - CHECK_IN_CLOSES_AFTER,
                            Meetup.ends_at <= now + HORIZON - CHECK_IN_CLOSES_AFTER,
                        ),
                    ),
                )
            )
            for meetup in soon:
                for moment in phase_changes(meetup):
                    if now < moment <= now + HORIZON:
                        self.bot.scheduler.add_job(
                            self.sweep,
                            "date",
                            run_date=moment,
                            id=f"meetup-phase:{meetup.id}:{int(moment.timestamp())}",
                            replace_existing=True,
                        )
        for meetup in due:
            phase = phase_of(meetup, now)
            if phase.value == meetup.shown_phase:
                continue
            try:
                await self.bot.meetup_messages.redraw(meetup.id)  # records the phase it drew
            except discord.HTTPException as exc:
                log.warning("Could not redraw meetup #%s for its %s phase: %s", meetup.id, phase, exc)
