"""The `Every time` button of a recurring meetup's message; its custom id carries the meetup."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot.rendering.components import EVERY_TIME_PREFIX, every_time_button
from bot.rendering.every_time_replies import render_every_time_reply
from bot.runtime import runtime_of
from bot.ui.replies import reply_privately
from bot.workflows.every_time import choose_every_time


class EveryTimeButton(DynamicItem[Button[Any]], template=rf"{EVERY_TIME_PREFIX}:(?P<id>\d+)"):
    def __init__(self, meetup_id: int) -> None:
        super().__init__(every_time_button(meetup_id))
        self.meetup_id = meetup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EveryTimeButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> str:
            choice = await choose_every_time(
                runtime,
                guild_id=interaction.guild_id or 0,
                meetup_id=self.meetup_id,
                user_id=interaction.user.id,
                member_name=interaction.user.display_name,
                now=discord.utils.utcnow(),
            )
            return render_every_time_reply(choice)

        await reply_privately(interaction, work)
