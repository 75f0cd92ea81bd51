"""Whether a server's new meetups get a thread when `/meetup create` does not say (`/settings threads`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildSettings
from bot.db.upsert import insert_ignoring_conflict
from bot.services.audit import record_action
from bot.services.organizers import Actor, require_organizer


async def threads_by_default(session: AsyncSession, *, guild_id: int) -> bool:
    row = await session.get(GuildSettings, guild_id)
    return bool(row is not None and row.threads_default)


async def wants_thread(session: AsyncSession, *, guild_id: int, asked: bool | None) -> bool:
    """What `/meetup create ... thread:` asked, else the server's default."""
    return asked if asked is not None else await threads_by_default(session, guild_id=guild_id)


async def set_threads_default(session: AsyncSession, *, guild_id: int, actor: Actor, on: bool) -> bool:
    """New meetups get a thread (or not) unless their organizer says otherwise; returns the
    setting before. Organizers only."""
    await insert_ignoring_conflict(session, GuildSettings, guild_id=guild_id)
    row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id).with_for_update())
    assert row is not None  # inserted just above if it was missing
    require_organizer(actor, row.organizer_role_id)
    previous = bool(row.threads_default)
    row.threads_default = on
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.threads",
        details={"from": previous, "to": on},
    )
    await session.flush()
    return previous
