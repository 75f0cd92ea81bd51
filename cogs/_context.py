"""Reading who acts, and where, out of an interaction."""

from __future__ import annotations

import discord

from bot.services.errors import DomainError
from bot.services.organizers import Actor


def actor_of(interaction: discord.Interaction) -> Actor:
    user = interaction.user
    role_ids = [r.id for r in user.roles] if isinstance(user, discord.Member) else []
    return Actor(user_id=user.id, permissions=interaction.permissions.value, role_ids=role_ids)


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise DomainError("This command works only in a server.")
    return interaction.guild_id
