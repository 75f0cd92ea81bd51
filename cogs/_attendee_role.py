"""The `attendee_role` option of /meetup create and /meetup edit: read before anything is stored,
applied once the meetup is posted or changed."""

from __future__ import annotations

import discord

from bot.services.announcements import ServerRole
from bot.services.attendee_roles import RoleChoice, read_attendee_role
from cogs._context import guild_id_of

ATTENDEE_ROLE_DESCRIPTION = "A role Going members hold while it is open: new (made for it), a role, or none"


def read_attendee_role_option(interaction: discord.Interaction, typed: str | None) -> RoleChoice | None:
    guild = interaction.guild
    roles = [ServerRole(r.id, r.name, r.mentionable) for r in guild.roles] if guild is not None else []
    return read_attendee_role(typed, guild_id=guild_id_of(interaction), roles=roles)
