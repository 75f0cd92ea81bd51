"""What members choose for themselves in a server: reminders by DM."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import MemberPreferences
from bot.db.upsert import insert_ignoring_conflict


async def set_dm_reminders(session: AsyncSession, *, guild_id: int, user_id: int, on: bool) -> None:
    await insert_ignoring_conflict(session, MemberPreferences, guild_id=guild_id, user_id=user_id, dm_reminders=on)
    row = await session.get(MemberPreferences, (guild_id, user_id), populate_existing=True, with_for_update=True)
    assert row is not None  # inserted just above if it was missing
    row.dm_reminders = on
    await session.flush()


async def dm_reminder_users(session: AsyncSession, *, guild_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` who asked for reminders by DM in this server."""
    wanted = list(user_ids)
    if not wanted:
        return set()
    rows = await session.scalars(
        select(MemberPreferences.user_id).where(
            MemberPreferences.guild_id == guild_id,
            MemberPreferences.user_id.in_(wanted),
            MemberPreferences.dm_reminders.is_(True),
        )
    )
    return set(rows.all())
