"""/settings chats: whether members may ask each other for one-to-one chats outside a gathering."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import MeetupBot
from bot.services import chat_preferences
from cogs._context import actor_of, guild_id_of
from cogs._thread_option import ON_OFF


@app_commands.command(name="chats", description="Whether members may ask each other for one-to-one chats here")
@app_commands.describe(allowed="on: /meetup chat works between any members; off: only within a gathering")
@app_commands.choices(allowed=ON_OFF)
async def chats(interaction: discord.Interaction, allowed: app_commands.Choice[str] | None = None) -> None:
    bot = interaction.client
    assert isinstance(bot, MeetupBot)
    guild_id = guild_id_of(interaction)
    if allowed is None:
        async with bot.db.reading() as session:
            on = await chat_preferences.chats_enabled(session, guild_id=guild_id)
        await interaction.response.send_message(_said(on, changed=False), ephemeral=True)
        return
    async with bot.db.transaction() as session:
        await chat_preferences.set_chats_enabled(
            session, guild_id=guild_id, actor=actor_of(interaction), on=allowed.value == "on"
        )
    await interaction.response.send_message(_said(allowed.value == "on", changed=True), ephemeral=True)


def _said(on: bool, *, changed: bool) -> str:
    if on:
        return ("Members can now" if changed else "Members can") + (
            " ask each other for one-to-one chats with `/meetup chat`, anywhere in this server."
        )
    return ("Members can now" if changed else "Members can") + (
        " ask each other for one-to-one chats only when both are on the roll call of the same gathering."
    )


async def setup(bot: MeetupBot) -> None:
    settings = bot.tree.get_command("settings")
    assert isinstance(settings, app_commands.Group), "the settings extension loads first"
    settings.add_command(chats)
