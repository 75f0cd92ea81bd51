"""Turning errors raised while handling an interaction into one short, private answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.services.errors import DomainError

log = logging.getLogger(__name__)

GENERIC_APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again in a moment."


QUOTED_INPUT = 60  # an answer repeats a few words of what was typed, not all 6,000 characters of it


def excerpt(value: object) -> str:
    """What the member typed, as a short inline code span (a backtick inside would end it)."""
    flat = " ".join(str(value).replace("`", "'").split())
    return f"`{shorten(flat, QUOTED_INPUT)}`" if flat else "(nothing)"


def _permission_list(names: list[str]) -> str:
    return ", ".join(n.replace("_", " ").replace("guild", "server").title() for n in names)


# Checked in order, so subclasses come before the classes they extend.
_EXPLANATIONS: list[tuple[type[BaseException], Callable[[Any], str]]] = [
    (DomainError, lambda e: e.user_message),
    (app_commands.NoPrivateMessage, lambda e: "This command works only in a server."),
    (
        app_commands.MissingPermissions,
        lambda e: f"You need the {_permission_list(e.missing_permissions)} permission to do that.",
    ),
    (
        app_commands.BotMissingPermissions,
        lambda e: f"I need the {_permission_list(e.missing_permissions)} permission here to do that.",
    ),
    (app_commands.CommandOnCooldown, lambda e: f"Slow down a little: try again in {e.retry_after:.0f} seconds."),
    (app_commands.TransformerError, lambda e: f"I couldn't understand {excerpt(e.value)} there."),
    (app_commands.CheckFailure, lambda e: "You can't use this command here."),
    (discord.Forbidden, lambda e: "Discord refused: I'm missing a permission in this channel."),
]


def message_for_error(error: BaseException) -> str | None:
    """The sentence a member should read, or None when the error is a bug to be logged."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    for error_type, explain in _EXPLANATIONS:
        if isinstance(error, error_type):
            return explain(error)
    return None


UNKNOWN_INTERACTION = 10062


def is_expired(error: BaseException) -> bool:
    """Discord no longer knows the interaction: it was not acknowledged within 3 seconds."""
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


async def report_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    if is_expired(error):
        # Nobody can be answered any more; one line, no traceback: under overload these come in
        # bursts, and formatting tracebacks would only deepen the overload.
        log.warning("Interaction %s expired before it was answered", interaction.id)
        return
    message = message_for_error(error)
    if message is None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("Unhandled error in interaction %s (%s)", interaction.id, command, exc_info=original)
        message = GENERIC_APOLOGY
    await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Answer privately whether or not the interaction was already acknowledged. The answer is cut
    to one message: a refusal can repeat long text (Discord's own error, say), and an answer
    Discord refuses would leave the member with none."""
    content = shorten(content, MESSAGE_CONTENT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True)
        else:
            await interaction.response.send_message(content, ephemeral=True)
    except discord.HTTPException:
        # The interaction expired or the channel went away; there is nobody left to tell.
        log.warning("Could not deliver an error message for interaction %s", interaction.id)
