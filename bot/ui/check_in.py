"""The "I'm here" button under a meetup message, shown from 30 minutes before the start."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot.rendering.components import CHECK_IN_PREFIX, check_in_button
from bot.rendering.time_format import full_time
from bot.runtime import runtime_of
from bot.services import attendance
from bot.ui.replies import reply_privately


class CheckInButton(DynamicItem[Button[Any]], template=rf"{CHECK_IN_PREFIX}:(?P<id>\d+)"):
    def __init__(self, meetup_id: int, *, disabled: bool = False) -> None:
        super().__init__(check_in_button(meetup_id, disabled=disabled))
        self.meetup_id = meetup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckInButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> str:
            async with runtime.db.transaction() as session:
                done = await attendance.check_in(
                    session,
                    guild_id=interaction.guild_id or 0,
                    meetup_id=self.meetup_id,
                    user_id=interaction.user.id,
                    now=discord.utils.utcnow(),
                    member_name=interaction.user.display_name,
                )
            if done.already:
                return f"You're already checked in (since {full_time(done.at)})."
            runtime.meetup_messages.refresh(self.meetup_id)
            return "You're checked in. Enjoy the meetup!"

        await reply_privately(interaction, work)
