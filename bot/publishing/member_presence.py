"""Which of some members have left a server, asked of Discord when it matters.

The bot has no privileged intent, so it never hears members leave (GUILD_MEMBER_REMOVE needs
GUILD_MEMBERS). Where it acts for members who are not clicking right now (the regulars of a
series, answered Going to each new meetup), it asks first: by the gateway, 100 members a request,
which needs no intent when the members are named, or else one REST request per member (a process
that does not run the server's shard). A member Discord does not know in the server has left, was
kicked or banned, or deleted their account. When Discord cannot say, the member is taken as
still there: a wrong "gone" would drop a regular, a wrong "there" costs one seat until they answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot.discord_access import DiscordAccess
from bot.publishing.discord_codes import UNKNOWN_MEMBER, UNKNOWN_USER

log = logging.getLogger(__name__)

QUERY_LIMIT = 100  # Discord's most user ids in one request for guild members


async def departed_members(discord_access: DiscordAccess, *, guild_id: int, user_ids: Sequence[int]) -> set[int]:
    """The members among `user_ids` who are no longer in the server, as far as Discord says."""
    if not user_ids:
        return set()
    guild = discord_access.get_guild(guild_id)
    if guild is not None:
        try:
            return await _by_gateway(guild, user_ids)
        except (TimeoutError, RuntimeError, discord.ClientException) as exc:
            log.info("Could not ask the gateway for %d members of server %s: %s", len(user_ids), guild_id, exc)
    return await _by_rest(discord_access, guild_id, user_ids)


async def _by_gateway(guild: discord.Guild, user_ids: Sequence[int]) -> set[int]:
    gone: set[int] = set()
    for start in range(0, len(user_ids), QUERY_LIMIT):
        wanted = list(user_ids[start : start + QUERY_LIMIT])
        found = await guild.query_members(user_ids=wanted, limit=QUERY_LIMIT, cache=False)
        present = {member.id for member in found}
        gone.update(user_id for user_id in wanted if user_id not in present)
    return gone


async def _by_rest(discord_access: DiscordAccess, guild_id: int, user_ids: Sequence[int]) -> set[int]:
    gone: set[int] = set()
    for user_id in user_ids:
        try:
            await discord_access.http.get_member(guild_id, user_id)
        except discord.NotFound as exc:
            if exc.code in (UNKNOWN_MEMBER, UNKNOWN_USER):
                gone.add(user_id)
        except (discord.HTTPException, TimeoutError) as exc:
            log.info("Could not ask Discord whether %s is still in server %s: %s", user_id, guild_id, exc)
    return gone
