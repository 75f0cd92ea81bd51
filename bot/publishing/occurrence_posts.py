"""Finishing an occurrence that a process which died had begun to post: what it already put on
Discord is found and recorded, not posted again.

A process can die after Discord made the meetup message and before the id was recorded, or after
the Events-tab event was made and before its id was recorded. The message's nonce makes a retried
post return the first message only for a few minutes; a bot that was down longer looks in the
channel's recent messages for the meetup's footer, and in the server's events for one that links
to the meetup message.
"""

from __future__ import annotations

import logging

import discord

from bot.db.database import Database
from bot.db.models import Meetup
from bot.discord_access import DiscordAccess
from bot.publishing.meetup_messages import add_answer_reactions, link_to
from bot.rendering.meetup_embed import meetup_footer
from bot.services import meetups

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50  # the occurrence is posted soon after its predecessor ends, so it is recent


async def find_posted_message(discord_access: DiscordAccess, meetup: Meetup) -> discord.Message | None:
    """The bot's message for this meetup in its channel, if an earlier attempt posted it."""
    channel = discord_access.get_partial_messageable(meetup.channel_id, guild_id=meetup.guild_id)
    me = discord_access.user.id if discord_access.user else None
    footer = meetup_footer(meetup.id)
    try:
        async for message in channel.history(limit=HISTORY_LOOKBACK):
            if message.author.id == me and any(e.footer.text == footer for e in message.embeds):
                return message
    except discord.HTTPException as exc:
        # Without Read Message History the nonce is all there is: the post may then be made again.
        log.info("Could not look for an earlier post of meetup #%s: %s", meetup.id, exc)
    return None


async def adopt_message(db: Database, message: discord.Message, meetup: Meetup, *, phase: str) -> None:
    """Record a message found for the meetup, and make sure it carries the answer reactions
    (adding one that is there already changes nothing)."""
    async with db.transaction() as session:
        await meetups.record_message(session, meetup_id=meetup.id, message_id=message.id)
        await meetups.record_shown_phase(session, meetup_id=meetup.id, phase=phase)
    await add_answer_reactions(message, meetup_id=meetup.id)


async def find_mirror_event(discord_access: DiscordAccess, meetup: Meetup) -> int | None:
    """The Events-tab event an earlier attempt made for this meetup: its description links to the
    meetup message, which no other event does."""
    link = link_to(meetup)
    if link is None:
        return None
    try:
        events = await discord_access.http.get_scheduled_events(meetup.guild_id, False)
    except discord.HTTPException as exc:
        log.info("Could not list the scheduled events of server %s: %s", meetup.guild_id, exc)
        return None
    for event in events:
        if link in (event.get("description") or ""):
            return int(event["id"])
    return None
