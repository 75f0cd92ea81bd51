"""The Guests menu under a meetup message that lets members bring guests: Going with a party."""

from __future__ import annotations

import re
from typing import Any, cast

import discord
from discord.ui import DynamicItem, Select

from bot.db.models import RsvpSource
from bot.rendering.components import GUESTS_PREFIX, guests_select
from bot.rendering.rsvp_replies import render_rsvp_reply
from bot.runtime import runtime_of
from bot.services.rsvps import Answer, AnswerRequest
from bot.ui.replies import reply_privately


class GuestsMenu(DynamicItem[Select[Any]], template=rf"{GUESTS_PREFIX}:(?P<id>\d+)"):
    def __init__(self, meetup_id: int, guests: int = 1) -> None:
        super().__init__(guests_select(meetup_id, max(guests, 1)))
        self.meetup_id = meetup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GuestsMenu:
        # The meetup's rules are read from the database at the click; the options drawn do not matter.
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        values = cast(dict[str, Any], interaction.data or {}).get("values", [])
        guests = int(values[0]) if values and str(values[0]).isdecimal() else 0

        async def work() -> str:
            outcome = await runtime.answers.submit_answer(
                guild_id=interaction.guild_id or 0,
                meetup_id=self.meetup_id,
                request=AnswerRequest(
                    interaction.user.id,
                    Answer.GOING,
                    RsvpSource.BUTTON,
                    member_name=interaction.user.display_name,
                    guests=guests,
                ),
                now=discord.utils.utcnow(),
            )
            runtime.meetup_messages.after_rsvp(outcome)
            return render_rsvp_reply(outcome)

        await reply_privately(interaction, work)
