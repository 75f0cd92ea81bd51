"""Mirroring meetups in the server's Events tab, when the bot may manage events there.

The mirror is a convenience: without the permission, or if Discord refuses, it is skipped and
everything else works the same. The occurrences of a recurring series are one recurring event
where Discord's rules can say the series (`series_mirror.py`), else each its own event.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.db.database import Database
from bot.db.models import Meetup
from bot.discord_access import DiscordAccess
from bot.publishing.meetup_messages import link_to
from bot.publishing.series_mirror import EXTERNAL, GUILD_ONLY, SeriesMirror
from bot.rendering.limits import shorten
from bot.services import meetups

log = logging.getLogger(__name__)

EVENT_NAME_MAX = 100
EVENT_LOCATION_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
CANCELED = 4  # event status


def event_payload(meetup: Meetup) -> dict[str, Any]:
    """The event as Discord's API takes it."""
    description = "\n\n".join(p for p in (meetup.description, link_to(meetup)) if p)
    return {
        "name": shorten(meetup.title, EVENT_NAME_MAX),
        "scheduled_start_time": meetup.starts_at.isoformat(),
        "scheduled_end_time": meetup.ends_at.isoformat(),
        "entity_metadata": {"location": shorten(meetup.location or "See the meetup message", EVENT_LOCATION_MAX)},
        "description": shorten(description, EVENT_DESCRIPTION_MAX),
    }


class EventMirror:
    """The meetups of a server as events in its Events tab."""

    def __init__(self, db: Database, discord_access: DiscordAccess) -> None:
        self.db = db
        self.discord = discord_access
        self.series = SeriesMirror(db, discord_access)

    def _may_manage_events(self, guild_id: int) -> bool:
        guild = self.discord.get_guild(guild_id)
        return guild is not None and guild.me.guild_permissions.manage_events

    async def mirror(self, meetup: Meetup) -> None:
        """Create the meetup's event, or bring it up to date."""
        if not self._may_manage_events(meetup.guild_id):
            return
        payload = event_payload(meetup)
        try:
            if meetup.recurring_series_id is not None and await self.series.mirror(meetup, payload):
                return
            if meetup.scheduled_event_id is None:
                event = await self.discord.http.create_guild_scheduled_event(
                    meetup.guild_id, entity_type=EXTERNAL, privacy_level=GUILD_ONLY, **payload
                )
                async with self.db.transaction() as session:
                    await meetups.record_scheduled_event(session, meetup_id=meetup.id, event_id=int(event["id"]))
            else:
                await self.discord.http.edit_scheduled_event(meetup.guild_id, meetup.scheduled_event_id, **payload)
        except discord.HTTPException as exc:
            log.info("Could not mirror meetup #%s as a scheduled event: %s", meetup.id, exc)

    async def cancel(self, meetup: Meetup) -> None:
        if meetup.scheduled_event_id is None or not self._may_manage_events(meetup.guild_id):
            return
        try:
            if meetup.recurring_series_id is not None and await self.series.cancel(meetup):
                return
            await self.discord.http.edit_scheduled_event(meetup.guild_id, meetup.scheduled_event_id, status=CANCELED)
        except discord.HTTPException as exc:
            log.info("Could not cancel the scheduled event of meetup #%s: %s", meetup.id, exc)

    async def remove(self, guild_id: int, event_id: int | None) -> None:
        """Delete the event of a meetup that is gone (undone before anyone saw it)."""
        if event_id is None:
            return
        try:
            await self.discord.http.delete_scheduled_event(guild_id, event_id)
        except discord.HTTPException as exc:
            log.info("Could not delete scheduled event %s: %s", event_id, exc)
