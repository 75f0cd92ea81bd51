"""The two member pickers under the private `/meetup attendance` answer: mark present, mark absent.

Their custom ids name the meetup and the mark, so they work after a restart; every use is
checked again (organizer rights from the member picking, and whether the meetup's attendance may
be marked now), since the answer can stay on screen long after it was given. They stay usable
after a pick: marks add up.
"""

from __future__ import annotations

import re
from typing import Any, cast

import discord
from discord.ui import DynamicItem, UserSelect

from bot.rendering.components import ATTENDANCE_PREFIX, attendance_picker
from bot.rendering.followup_texts import render_marked
from bot.runtime import runtime_of
from bot.services import attendance
from bot.ui.actors import actor_of
from bot.ui.replies import reply_privately


class AttendancePicker(
    DynamicItem[UserSelect[Any]], template=rf"{ATTENDANCE_PREFIX}:(?P<id>\d+):(?P<mark>present|absent)"
):
    def __init__(self, meetup_id: int, *, present: bool) -> None:
        super().__init__(attendance_picker(meetup_id, present=present))
        self.meetup_id = meetup_id
        self.present = present

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AttendancePicker:
        return cls(int(match["id"]), present=match["mark"] == "present")

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        data = cast(dict[str, Any], interaction.data or {})
        picked = [int(value) for value in data.get("values", [])]

        async def work() -> str:
            async with runtime.db.transaction() as session:
                marked = await attendance.mark_attendance(
                    session,
                    guild_id=interaction.guild_id or 0,
                    meetup_id=self.meetup_id,
                    actor=actor_of(interaction),
                    user_ids=picked,
                    present=self.present,
                    now=discord.utils.utcnow(),
                )
            runtime.meetup_messages.refresh(self.meetup_id)
            return render_marked(marked, present=self.present)

        await reply_privately(interaction, work)
