"""Steps the reminder tests share: start times seconds ahead, and finding reminder posts."""

from __future__ import annotations

import time

from tests.e2e.harness import Server
from tests.e2e.meetup_steps import public_messages
from tests.emulator import DiscordEmulator, MessageRecord


def starts_in(seconds: int) -> str:
    """A start time a few seconds ahead, typed as a Discord timestamp (whole seconds)."""
    return f"<t:{int(time.time()) + seconds}:F>"


def footer_of(message: MessageRecord) -> str:
    return str((message.embeds[0].get("footer") or {}).get("text", "")) if message.embeds else ""


def reminder_posts(emu: DiscordEmulator, server: Server, meetup_id: int | None = None) -> list[MessageRecord]:
    """Reminder posts in the server's channel (of one meetup, if given), oldest first."""
    return [
        m
        for m in public_messages(emu, server.channel.id)
        if "reminder #" in footer_of(m) and (meetup_id is None or footer_of(m).startswith(f"Meetup #{meetup_id} "))
    ]


def reminder_id_of(post: MessageRecord) -> int:
    return int(footer_of(post).rsplit("#", 1)[1])
