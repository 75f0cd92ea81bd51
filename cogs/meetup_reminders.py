"""/meetup reminders (organizers: a meetup's reminders and what became of them) and /meetup notify
(anyone: reminders by DM, chat requests, blocks)."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering.reminder_lists import render_reminder_list
from bot.services import chat_preferences, reminders
from bot.services.errors import InvalidInput
from bot.services.member_preferences import set_dm_reminders
from cogs._context import actor_of, guild_id_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete


@app_commands.command(name="reminders", description="A meetup's reminders: when, and whether each was posted")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def list_reminders(interaction: discord.Interaction, meetup: int) -> None:
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        listed = await reminders.meetup_reminders(
            session, guild_id=guild_id_of(interaction), meetup_id=meetup, actor=actor_of(interaction)
        )
    await interaction.response.send_message(render_reminder_list(listed.meetup, listed.reminders), ephemeral=True)


@app_commands.command(name="notify", description="How the bot reaches you: reminders by DM, chat requests, blocks")
@app_commands.describe(
    dm="on: meetup reminders come by DM; off: you are pinged in the channel",
    chats="on: members may ask you for one-to-one chats; off: nobody can",
    block="Take no more chat requests from this member here",
    unblock="Take chat requests from this member again",
)
async def notify(
    interaction: discord.Interaction,
    dm: Literal["on", "off"] | None = None,
    chats: Literal["on", "off"] | None = None,
    block: discord.Member | None = None,
    unblock: discord.Member | None = None,
) -> None:
    bot = bot_of(interaction)
    guild_id, user_id = guild_id_of(interaction), interaction.user.id
    if dm is None and chats is None and block is None and unblock is None:
        raise InvalidInput("Say what to change: `dm`, `chats`, `block` or `unblock`.")
    said: list[str] = []
    async with bot.db.transaction() as session:
        if dm is not None:
            await set_dm_reminders(session, guild_id=guild_id, user_id=user_id, on=dm == "on")
            said.append(_DM_ON if dm == "on" else _DM_OFF)
        if chats is not None:
            await chat_preferences.set_chats_off(session, guild_id=guild_id, user_id=user_id, off=chats == "off")
            said.append(_CHATS_ON if chats == "on" else _CHATS_OFF)
        if block is not None:
            await chat_preferences.block(session, guild_id=guild_id, user_id=user_id, blocked_id=block.id)
            said.append(f"You'll get no chat requests from {block.mention} here; they are not told.")
        if unblock is not None:
            was = await chat_preferences.unblock(session, guild_id=guild_id, user_id=user_id, blocked_id=unblock.id)
            said.append(
                f"{unblock.mention} can ask you for chats again." if was else f"{unblock.mention} was not blocked."
            )
    await interaction.response.send_message("\n".join(said), ephemeral=True)


_DM_ON = (
    "Reminders for meetups in this server now come to your DMs. If your DMs are closed to the bot, "
    "you are pinged in the channel instead."
)
_DM_OFF = "Reminders for meetups in this server ping you in the channel again, not by DM."
_CHATS_ON = "Members can ask you for one-to-one chats in this server (`/meetup chat`)."
_CHATS_OFF = (
    "Nobody can ask you for a one-to-one chat in this server now; those who try are told you are not "
    "taking chat requests. Requests already sent stay open for you to answer."
)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, list_reminders, notify)
