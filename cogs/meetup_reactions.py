"""Answering a meetup by reacting ✅ 🤔 ❌ to its message (raw events: nothing needs the cache)."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.client import MeetupBot
from bot.db.models import RsvpSource
from bot.publishing.reactions import take_back_reaction
from bot.rendering.components import answer_for_reaction
from bot.services import meetups
from bot.services.errors import DomainError, WrongPhase
from bot.services.rsvps import AnswerRequest

log = logging.getLogger(__name__)


class MeetupReactions(commands.Cog):
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._answer(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._answer(payload, added=False)

    async def _answer(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        answer = answer_for_reaction(str(payload.emoji))
        if (
            answer is None
            or payload.guild_id is None
            or (self.bot.user is not None and payload.user_id == self.bot.user.id)
        ):
            return
        async with self.bot.db.reading() as session:
            meetup_id = await meetups.meetup_id_for_message(session, message_id=payload.message_id)
        if meetup_id is None:
            return
        # An added reaction carries the member in a server (a removed one does not, nor needs it).
        name = payload.member.display_name if payload.member is not None else None
        request = (
            AnswerRequest(payload.user_id, answer, RsvpSource.REACTION, member_name=name)
            if added
            else AnswerRequest(payload.user_id, None, RsvpSource.REACTION, only=answer)
        )
        try:
            outcome = await self.bot.runtime.answers.submit_answer(
                guild_id=payload.guild_id, meetup_id=meetup_id, request=request, now=discord.utils.utcnow()
            )
        except DomainError as exc:
            # A reaction has nobody to answer privately; the message already shows the state.
            log.debug("Reaction on meetup #%s not taken: %s", meetup_id, exc.user_message)
            if added and isinstance(exc, WrongPhase):
                await self._take_back(payload)  # left there, it would look like an answer
            return
        self.bot.runtime.meetup_messages.after_rsvp(outcome)

    async def _take_back(self, payload: discord.RawReactionActionEvent) -> None:
        """Remove a reaction the meetup no longer takes, if the bot may manage messages in the channel."""
        assert payload.guild_id is not None
        await take_back_reaction(
            self.bot,
            guild_id=payload.guild_id,
            channel_id=payload.channel_id,
            message_id=payload.message_id,
            emoji=str(payload.emoji),
            user_id=payload.user_id,
        )


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(MeetupReactions(bot))
