"""/settings board: the live board of what is coming up, and what keeps it drawn across restarts."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot
from bot.rendering.settings_board import render_board_moved, render_board_removed, render_board_where
from bot.services import board_settings
from bot.services.channel_rights import require_postable
from bot.services.errors import DomainError
from cogs._context import actor_of, finish, guild_id_of, rights_in


@app_commands.command(name="board", description="Keep one message in a channel listing what is coming up")
@app_commands.describe(
    channel="The channel to keep the board in (it moves there if it is elsewhere)",
    off="True: delete the board and stop keeping it",
)
async def board(
    interaction: discord.Interaction, channel: discord.TextChannel | None = None, off: bool = False
) -> None:
    bot = _bot_of(interaction)
    guild_id = guild_id_of(interaction)
    live = bot.runtime.board
    if off and channel is not None:
        raise DomainError("Give either a `channel` for the board or `off`, not both.")
    if channel is None and not off:
        async with bot.db.reading() as session:
            place = await board_settings.board_of(session, guild_id=guild_id)
        await interaction.response.send_message(render_board_where(guild_id, place), ephemeral=True)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    if off:
        previous, deleted = await live.remove(guild_id=guild_id, actor=actor_of(interaction))
        await finish(interaction, render_board_removed(previous, deleted=deleted))
        return
    assert channel is not None
    require_postable(rights_in(interaction, channel), what="board", board=True)
    previous = await live.place(guild_id=guild_id, channel_id=channel.id, actor=actor_of(interaction))
    async with bot.db.reading() as session:
        place = await board_settings.board_of(session, guild_id=guild_id)
    await finish(interaction, render_board_moved(guild_id, place, previous))


def _bot_of(interaction: discord.Interaction) -> MeetupBot:
    assert isinstance(interaction.client, MeetupBot)
    return interaction.client


class BoardKeeper(commands.Cog):
    """Draws each server's board when the server becomes this process's (at start, after an outage)."""

    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        self.bot.runtime.board.guild_available(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.bot.runtime.board.guild_available(guild.id)


async def setup(bot: MeetupBot) -> None:
    settings = bot.tree.get_command("settings")
    assert isinstance(settings, app_commands.Group), "the settings extension loads first"
    settings.add_command(board)
    await bot.add_cog(BoardKeeper(bot))
