"""What the layers below the cogs may use of the Discord client, and nothing more.

Publishing, timers and use cases post and edit by id, open DMs, read the cached server (for the
bot's own permissions) and call the few HTTP routes discord.py has no object for (scheduled
events). `discord.Client` has all of it; tests and future transports need only these.
"""

from __future__ import annotations

from typing import Protocol

import discord
from discord.http import HTTPClient


class DiscordAccess(Protocol):
    @property
    def http(self) -> HTTPClient: ...

    @property
    def user(self) -> discord.ClientUser | None: ...

    def get_partial_messageable(
        self, id: int, *, guild_id: int | None = None, type: discord.ChannelType | None = None
    ) -> discord.PartialMessageable: ...

    def get_guild(self, id: int, /) -> discord.Guild | None: ...

    async def create_dm(self, user: discord.abc.Snowflake) -> discord.DMChannel: ...
