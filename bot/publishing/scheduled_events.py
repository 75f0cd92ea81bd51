"""Mirroring meetups in the server's Events tab, when the bot may manage events there.

The mirror is a convenience: without the permission, or if Discord refuses, it is skipped and
everything else works the same.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.db.models import Meetup
from bot.publishing.meetup_messages import link_to
from bot.rendering.limits import shorten
from bot.services import meetups

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)

EVENT_NAME_MAX = 100
EVENT_LOCATION_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
EXTERNAL = 3  # entity type: somewhere outside Discord
GUILD_ONLY = 2  # privacy level
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


def _may_manage_events(bot: MeetupBot, guild_id: int) -> bool:
    guild = bot.get_guild(guild_id)
    return guild is not None and guild.me.guild_permissions.manage_events


async def mirror_meetup(bot: MeetupBot, meetup: Meetup) -> None:
    """Create the meetup's event, or bring it up to date."""
    if not _may_manage_events(bot, meetup.guild_id):
        return
    payload = event_payload(meetup)
    try:
        if meetup.scheduled_event_id is None:
            event = await bot.http.create_guild_scheduled_event(
                meetup.guild_id, entity_type=EXTERNAL, privacy_level=GUILD_ONLY, **payload
            )
            async with bot.db.transaction() as session:
                await meetups.record_scheduled_event(session, meetup_id=meetup.id, event_id=int(event["id"]))
        else:
            await bot.http.edit_scheduled_event(meetup.guild_id, meetup.scheduled_event_id, **payload)
    except discord.HTTPException as exc:
        log.info("Could not mirror meetup #%s as a scheduled event: %s", meetup.id, exc)


async def cancel_mirror(bot: MeetupBot, meetup: Meetup) -> None:
    if meetup.scheduled_event_id is None or not _may_manage_events(bot, meetup.guild_id):
        return
    try:
        await bot.http.edit_scheduled_event(meetup.guild_id, meetup.scheduled_event_id, status=CANCELED)
    except discord.HTTPException as exc:
        log.info("Could not cancel the scheduled event of meetup #%s: %s", meetup.id, exc)
