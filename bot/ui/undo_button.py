"""The `Undo` button on an organizer's private confirmation of a new meetup or poll."""

from __future__ import annotations

import re
from typing import Any, cast

import discord
from discord.ui import Button, DynamicItem

from bot.interaction_errors import report_interaction_error
from bot.rendering.components import UNDO_PREFIX, PostKind, undo_button
from bot.runtime import runtime_of
from bot.services.organizers import Actor
from bot.workflows.undo_post import undo_meetup_post, undo_poll_post


class UndoButton(DynamicItem[Button[Any]], template=rf"{UNDO_PREFIX}:(?P<kind>meetup|poll):(?P<id>\d+)"):
    def __init__(self, kind: PostKind, number: int) -> None:
        super().__init__(undo_button(kind, number))
        self.kind: PostKind = kind
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> UndoButton:
        return cls(cast(PostKind, match["kind"]), int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        # The confirmation itself is updated: it becomes the note that the post is gone.
        await interaction.response.defer()
        actor = Actor(user_id=interaction.user.id, permissions=0)
        undo = undo_meetup_post if self.kind == "meetup" else undo_poll_post
        try:
            with runtime.in_flight.holding():
                text = await undo(
                    runtime,
                    guild_id=interaction.guild_id or 0,
                    number=self.number,
                    actor=actor,
                    now=discord.utils.utcnow(),
                )
        except Exception as error:
            await report_interaction_error(interaction, error)
            return
        await interaction.edit_original_response(content=text, view=None)
