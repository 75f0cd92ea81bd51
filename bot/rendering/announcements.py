"""The line above a new meetup or poll that tells a role (or everyone), and the mentions it may ping."""

from __future__ import annotations

import discord

from bot.services.announcements import Announcement


def announcement_content(announcement: Announcement | None) -> str | None:
    """Kept when the message is redrawn (edits leave the content alone and ping nobody again)."""
    return f"📣 {announcement.mention}" if announcement is not None else None


def announcement_mentions(announcement: Announcement | None) -> discord.AllowedMentions:
    """Exactly the announced role, or @everyone/@here: never a user, never anything else."""
    if announcement is None:
        return discord.AllowedMentions.none()
    roles = [discord.Object(announcement.role_id)] if announcement.role_id is not None else False
    return discord.AllowedMentions(
        everyone=announcement.everyone is not None, roles=roles, users=False, replied_user=False
    )
