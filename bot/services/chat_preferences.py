"""Who takes chat requests: the server's switch (`/settings chats`), a member's own
(`/meetup notify chats:`), and the askers a member blocked."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChatBlock, GuildSettings, MemberPreferences
from bot.db.upsert import insert_ignoring_conflict
from bot.services.audit import record_action
from bot.services.errors import InvalidInput
from bot.services.organizers import Actor, require_organizer


async def chats_enabled(session: AsyncSession, *, guild_id: int) -> bool:
    """Whether members may ask each other for chats outside a gathering (off unless turned on)."""
    row = await session.get(GuildSettings, guild_id)
    return bool(row is not None and row.chats_enabled)


async def set_chats_enabled(session: AsyncSession, *, guild_id: int, actor: Actor, on: bool) -> bool:
    """Turn chat requests outside gatherings on or off; returns the setting before. Organizers only."""
    await insert_ignoring_conflict(session, GuildSettings, guild_id=guild_id)
    row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id).with_for_update())
    assert row is not None  # inserted just above if it was missing
    require_organizer(actor, row.organizer_role_id)
    previous = bool(row.chats_enabled)
    row.chats_enabled = on
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.chats",
        details={"from": previous, "to": on},
    )
    await session.flush()
    return previous


async def locked_preferences(
    session: AsyncSession, *, guild_id: int, user_ids: list[int]
) -> dict[int, MemberPreferences]:
    """The members' preference rows, created if missing and locked in id order: asks by the same
    members are decided one after another (the open-request limits are counted under this lock)."""
    for user_id in sorted(set(user_ids)):
        await insert_ignoring_conflict(session, MemberPreferences, guild_id=guild_id, user_id=user_id)
    rows = await session.scalars(
        select(MemberPreferences)
        .where(MemberPreferences.guild_id == guild_id, MemberPreferences.user_id.in_(sorted(set(user_ids))))
        .order_by(MemberPreferences.user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.user_id: row for row in rows}


async def set_chats_off(session: AsyncSession, *, guild_id: int, user_id: int, off: bool) -> None:
    row = (await locked_preferences(session, guild_id=guild_id, user_ids=[user_id]))[user_id]
    row.chats_off = off
    await session.flush()


async def is_blocked(session: AsyncSession, *, guild_id: int, user_id: int, blocked_id: int) -> bool:
    """Whether `user_id` blocked chat requests from `blocked_id` in this server."""
    return await session.get(ChatBlock, (guild_id, user_id, blocked_id)) is not None


async def block(session: AsyncSession, *, guild_id: int, user_id: int, blocked_id: int) -> None:
    if user_id == blocked_id:
        raise InvalidInput("You can't block yourself.")
    await insert_ignoring_conflict(session, ChatBlock, guild_id=guild_id, user_id=user_id, blocked_id=blocked_id)


async def unblock(session: AsyncSession, *, guild_id: int, user_id: int, blocked_id: int) -> bool:
    """False if they were not blocked."""
    result = await session.execute(
        delete(ChatBlock).where(
            ChatBlock.guild_id == guild_id, ChatBlock.user_id == user_id, ChatBlock.blocked_id == blocked_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
