"""Posting a gathering's roll call and keeping its counts in step with who is coming. Redraws are
coalesced and paced as meetup messages' are: a conference's worth of clicks in a minute becomes a
few edits, each drawn from the database."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from datetime import datetime

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Gathering
from bot.discord_access import DiscordAccess
from bot.publishing.coalescer import EditCoalescer
from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.publishing.edit_pacing import EditPacer
from bot.publishing.meetup_messages import Redrawn, Shown
from bot.publishing.nonces import post_nonce
from bot.rendering.gathering_components import gathering_view
from bot.rendering.gathering_texts import render_gathering_embed
from bot.services import gatherings

log = logging.getLogger(__name__)


class GatheringMessages:
    def __init__(self, db: Database, discord_access: DiscordAccess) -> None:
        self.db = db
        self.discord = discord_access
        self.coalescer: EditCoalescer[Redrawn] = EditCoalescer(self._redraw_key, pacer=EditPacer())

    def refresh(self, gathering_id: int) -> None:
        """Redraw the roll call soon (coalesced with other requests)."""
        self.coalescer.request(gathering_id)

    async def redraw(self, gathering_id: int) -> Redrawn:
        return await self.coalescer.draw(gathering_id)

    async def post(self, gathering_id: int) -> discord.Message:
        """Post the roll call and record its message; raises what Discord raised if it refused."""
        async with self.db.reading() as session:
            gathering = await session.get(Gathering, gathering_id)
            assert gathering is not None
            embed, view = await self._drawn(session, gathering, now=discord.utils.utcnow())
        channel = self.discord.get_partial_messageable(gathering.channel_id, guild_id=gathering.guild_id)
        message = await channel.send(embed=embed, view=view, nonce=post_nonce("g", gathering.id, gathering.created_at))
        async with self.db.transaction() as session:
            await gatherings.record_gathering_message(session, gathering_id=gathering.id, message_id=message.id)
        return message

    async def _drawn(
        self, session: AsyncSession, gathering: Gathering, *, now: datetime
    ) -> tuple[discord.Embed, discord.ui.View]:
        members = await gatherings.roll_call(session, gathering_id=gathering.id)
        over = gatherings.is_over(gathering, now=now)
        embed = render_gathering_embed(
            gathering, gatherings.day_counts(gathering, members), coming=len(members), over=over
        )
        return embed, gathering_view(gathering.id, over=over)

    async def _draw(self, gathering_id: int) -> Redrawn:
        async with self.db.reading() as session:
            gathering = await session.get(Gathering, gathering_id)
            if gathering is None or gathering.message_id is None or gathering.message_missing:
                return Redrawn(Shown.GONE)
            embed, view = await self._drawn(session, gathering, now=discord.utils.utcnow())
        channel = self.discord.get_partial_messageable(gathering.channel_id, guild_id=gathering.guild_id)
        try:
            await channel.get_partial_message(gathering.message_id).edit(embed=embed, view=view)
        except discord.NotFound as exc:
            if exc.code in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
                async with self.db.transaction() as session:
                    await gatherings.mark_message_missing(session, gathering_id=gathering.id)
            return Redrawn(Shown.GONE)
        except discord.HTTPException as exc:
            log.warning("Discord refused the edit of the roll call of gathering #%s: %s", gathering.id, exc)
            return Redrawn(Shown.REFUSED, exc.status)
        return Redrawn(Shown.UPDATED)

    async def _redraw_key(self, key: Hashable) -> Redrawn:
        assert isinstance(key, int)
        return await self._draw(key)
