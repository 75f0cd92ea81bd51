"""Opening a new meetup's thread, if it was asked for (or the server opens one by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services import thread_settings

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def open_meetup_thread(runtime: Runtime, *, guild_id: int, meetup_id: int, asked: bool | None) -> str:
    """Open the thread of a meetup just posted when `asked` (None: the server's default says);
    returns a line for the organizer's answer when it could not be opened, else ""."""
    async with runtime.db.reading() as session:
        wanted = await thread_settings.wants_thread(session, guild_id=guild_id, asked=asked)
    if not wanted:
        return ""
    problem = await runtime.threads.open(meetup_id)
    return f"\n{problem}" if problem else ""
