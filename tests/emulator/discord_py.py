"""Point an unmodified discord.py at the emulator (what the bot's settings do in end-to-end runs)."""

from __future__ import annotations

from collections.abc import Callable


def point_discord_py_at(api_base: str, gateway_url: str) -> Callable[[], None]:
    """Set discord.py's REST base and default gateway; returns a function that restores the old values."""
    import discord.gateway
    import discord.http
    import yarl

    old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    return restore
