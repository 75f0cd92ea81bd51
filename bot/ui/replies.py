"""Answering an interaction privately, within Discord's 3-second deadline whatever the load."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord

from bot.command_tree import RESTARTING
from bot.interaction_errors import report_interaction_error
from bot.metrics import INTERACTION_SECONDS
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.runtime import runtime_of

# Past this age, the answer comes as a follow-up to a deferral: Discord drops an interaction that
# is not acknowledged within 3 seconds of its creation, and a burst can keep an interaction waiting
# in the gateway queue before its handler even starts.
DEFER_AT_AGE = 0.6
# Past this many interactions in hand at once (a burst of clicks), each is acknowledged first:
# their work queues behind the others', and an acknowledgement sent after it could come too late.
BURST = 8


@dataclass(frozen=True, slots=True)
class PrivateReply:
    content: str
    files: list[discord.File] = field(default_factory=list)
    view: discord.ui.View | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


def age_of(interaction: discord.Interaction) -> float:
    """Seconds since Discord created the interaction (its id carries the time), within sane bounds."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return min(max(age, 0.0), DEFER_AT_AGE)


async def reply_privately(interaction: discord.Interaction, work: Callable[[], Awaitable[PrivateReply | str]]) -> None:
    """Run `work` and send its result ephemerally; errors become the usual short messages."""
    in_flight = runtime_of(interaction).in_flight
    if in_flight.draining:  # shutting down: no new work
        await interaction.response.send_message(RESTARTING, ephemeral=True)
        return
    with in_flight.holding():
        await _reply(interaction, work, burst=in_flight.count > BURST)


async def _reply(
    interaction: discord.Interaction, work: Callable[[], Awaitable[PrivateReply | str]], *, burst: bool
) -> None:
    task = asyncio.ensure_future(work())
    try:
        wait = 0.0 if burst else max(0.0, DEFER_AT_AGE - age_of(interaction))
        done, _ = await asyncio.wait({task}, timeout=wait)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
            _acknowledged(interaction)
        reply = await task
    except Exception as error:
        await report_interaction_error(interaction, error)
        return
    if isinstance(reply, str):
        reply = PrivateReply(reply)
    try:
        await _send(interaction, reply)
    except discord.HTTPException as error:
        await report_interaction_error(interaction, error)


async def _send(interaction: discord.Interaction, reply: PrivateReply) -> None:
    view = reply.view or discord.utils.MISSING
    content = shorten(reply.content, MESSAGE_CONTENT)
    if interaction.response.is_done():
        await interaction.followup.send(
            content or discord.utils.MISSING, files=reply.files, embeds=reply.embeds, view=view, ephemeral=True
        )
    else:
        await interaction.response.send_message(
            content or None, files=reply.files, embeds=reply.embeds, view=view, ephemeral=True
        )
        _acknowledged(interaction)


def _acknowledged(interaction: discord.Interaction) -> None:
    elapsed = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    INTERACTION_SECONDS.labels("component").observe(max(elapsed, 0.0))
