"""Discord timestamps: each member sees them in their own time zone."""

from __future__ import annotations

from datetime import datetime


def full_time(instant: datetime) -> str:
    return f"<t:{int(instant.timestamp())}:F>"


def relative_time(instant: datetime) -> str:
    return f"<t:{int(instant.timestamp())}:R>"


def full_and_relative(instant: datetime) -> str:
    return f"{full_time(instant)} ({relative_time(instant)})"


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
