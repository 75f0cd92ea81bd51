"""Answering an interaction privately, within Discord's 3-second deadline whatever the load."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord

from bot.interaction_errors import report_interaction_error

# Past this, the answer comes as a follow-up to a deferral: Discord drops an interaction that is
# not acknowledged within 3 seconds, and a busy database or a slow network must not cost a reply.
DEFER_AFTER = 1.5


@dataclass(frozen=True, slots=True)
class PrivateReply:
    content: str
    files: list[discord.File] = field(default_factory=list)
    view: discord.ui.View | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


async def reply_privately(interaction: discord.Interaction, work: Callable[[], Awaitable[PrivateReply | str]]) -> None:
    """Run `work` and send its result ephemerally; errors become the usual short messages."""
    task = asyncio.ensure_future(work())
    try:
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await task
    except Exception as error:
        await report_interaction_error(interaction, error)
        return
    if isinstance(reply, str):
        reply = PrivateReply(reply)
    view = reply.view or discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(
            reply.content or discord.utils.MISSING, files=reply.files, embeds=reply.embeds, view=view, ephemeral=True
        )
    else:
        await interaction.response.send_message(
            reply.content or None, files=reply.files, embeds=reply.embeds, view=view, ephemeral=True
        )
