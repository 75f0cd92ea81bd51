"""Closing check-in: two hours after a meetup's end it is finished, and its message says so.

The phase timer calls this for every meetup whose close moment has passed, also for those whose
moment passed while no bot was running. The status is set by a conditional update, so across
restarts and several bot processes on one database each meetup is finished exactly once; the
process that finished it redraws the message. If that process stops before the redraw, the
message still shows the meetup as over, and the next sweep of any process draws it closed
(`shown_phase` says what it last showed). A message that already shows the meetup closed is not
edited again: the first start after the finished status came into use finishes every past meetup
of the database, and their messages were drawn closed long ago.
"""

from __future__ import annotations

import logging
from datetime import datetime

import discord
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Meetup
from bot.publishing.meetup_messages import MeetupMessages
from bot.services import lifecycle
from bot.services.lifecycle import Phase

log = logging.getLogger(__name__)


async def close_check_in(db: Database, meetup_messages: MeetupMessages, *, meetup_id: int, now: datetime) -> bool:
    """Finish the meetup and redraw its message; False if it was not due or another process
    finished it first."""
    async with db.transaction() as session:
        closed = await lifecycle.close_check_in(session, meetup_id=meetup_id, now=now)
        shown = await session.scalar(select(Meetup.shown_phase).where(Meetup.id == meetup_id))
    if not closed:
        return False
    if shown == Phase.CLOSED.value:
        return True
    try:
        await meetup_messages.redraw(meetup_id)  # records the phase it drew
    except discord.HTTPException as exc:
        log.warning("Could not redraw meetup #%s as closed: %s", meetup_id, exc)
    return True


async def close_due_check_ins(db: Database, meetup_messages: MeetupMessages, *, now: datetime) -> int:
    """Close every meetup whose check-in closed by `now`; returns how many this process finished."""
    async with db.reading() as session:
        due = await lifecycle.due_to_close(session, now=now)
    closed = 0
    for meetup_id in due:
        closed += await close_check_in(db, meetup_messages, meetup_id=meetup_id, now=now)
    if closed:
        log.info("Check-in closed at %d meetups; they are finished", closed)
    return closed
