"""The "I'm here" button under a meetup message, shown from 30 minutes before the start."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import Button, DynamicItem

from bot.rendering.time_format import full_time
from bot.services import attendance
from bot.ui.replies import reply_privately

if TYPE_CHECKING:
    from bot.client import MeetupBot

CHECK_IN_PREFIX = "meetup:here"


class CheckInButton(DynamicItem[Button[Any]], template=rf"{CHECK_IN_PREFIX}:(?P<id>\d+)"):
    def __init__(self, meetup_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            Button(
                label="I'm here",
                style=discord.ButtonStyle.primary,
                emoji="📍",
                custom_id=f"{CHECK_IN_PREFIX}:{meetup_id}",
                disabled=disabled,
            )
        )
        self.meetup_id = meetup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckInButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("MeetupBot", interaction.client)

        async def work() -> str:
            async with bot.db.transaction() as session:
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
            bot.meetup_messages.refresh(self.meetup_id)
            return "You're checked in. Enjoy the meetup!"

        await reply_privately(interaction, work)
