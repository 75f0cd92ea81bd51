"""The server's language, as Discord sends it with every interaction in a server."""

from __future__ import annotations

import discord


def guild_locale_of(interaction: discord.Interaction) -> str | None:
    """`en-US`, `de`, ...: it decides how a slash date with two readings is read when the server chose
    no date order. None outside a server."""
    locale = interaction.guild_locale
    return str(locale.value) if locale is not None else None
