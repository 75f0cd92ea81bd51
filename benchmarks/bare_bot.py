"""The ceiling: a discord.py bot that acknowledges every button click and does nothing else.

Run against the same emulator as the real bot, it measures what discord.py and the emulator can do
on this machine, so the real bot's throughput is reported as a share of it.
"""

from __future__ import annotations

import asyncio
import os

import discord
import yarl


class BareBot(discord.Client):
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.send_message("ok", ephemeral=True)


async def main() -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    intents = discord.Intents.none()
    intents.guilds = True
    async with BareBot(intents=intents) as bot:
        await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
