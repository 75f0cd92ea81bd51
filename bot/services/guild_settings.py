"""Per-server settings: time zone, organizer role, default reminders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildSettings
from bot.db.upsert import insert_ignoring_conflict
from bot.services.audit import record_action
from bot.services.organizers import Actor, require_organizer, require_server_management
from bot.services.reminder_offsets import (
    DEFAULT_NUDGE_MINUTES,
    DEFAULT_OFFSETS,
    offsets_from_storage,
    parse_nudge,
    parse_offsets,
    stored_offsets,
)
from bot.services.timezones import resolve_timezone


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    timezone: str
    timezone_is_default: bool
    organizer_role_id: int | None
    reminder_offsets: tuple[int, ...] = DEFAULT_OFFSETS  # minutes before the start
    nudge_minutes: int = DEFAULT_NUDGE_MINUTES  # 0: no nudge


async def get_guild_config(session: AsyncSession, *, guild_id: int, default_timezone: str) -> GuildConfig:
    row = await session.get(GuildSettings, guild_id)
    return _to_config(guild_id, row, default_timezone)


async def reminder_defaults(session: AsyncSession, *, guild_id: int) -> tuple[tuple[int, ...], int]:
    """The server's reminder offsets for new meetups and its nudge (minutes; 0 is off)."""
    config = _to_config(guild_id, await session.get(GuildSettings, guild_id), default_timezone="UTC")
    return config.reminder_offsets, config.nudge_minutes


async def set_guild_timezone(
    session: AsyncSession, *, guild_id: int, actor: Actor, zone: str, default_timezone: str
) -> GuildConfig:
    row = await _locked_row(session, guild_id)
    require_organizer(actor, row.organizer_role_id)
    canonical = resolve_timezone(zone)
    previous = row.timezone
    row.timezone = canonical
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.timezone",
        details={"from": previous, "to": canonical},
    )
    await session.flush()
    return _to_config(guild_id, row, default_timezone)


async def set_organizer_role(
    session: AsyncSession, *, guild_id: int, actor: Actor, role_id: int | None, default_timezone: str
) -> GuildConfig:
    require_server_management(actor)
    row = await _locked_row(session, guild_id)
    previous = row.organizer_role_id
    row.organizer_role_id = role_id
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.organizer_role",
        details={"from": previous, "to": role_id},
    )
    await session.flush()
    return _to_config(guild_id, row, default_timezone)


async def set_reminder_defaults(
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    offsets: str | None,
    nudge: str | None,
    default_timezone: str,
) -> GuildConfig:
    """New meetups' reminder offsets and the nudge to Maybe members; either may be left as it is."""
    parsed_offsets = parse_offsets(offsets) if offsets is not None else None
    parsed_nudge = parse_nudge(nudge) if nudge is not None else None
    row = await _locked_row(session, guild_id)
    require_organizer(actor, row.organizer_role_id)
    if parsed_offsets is not None:
        row.reminder_offsets = stored_offsets(parsed_offsets)
    if parsed_nudge is not None:
        row.nudge_minutes = parsed_nudge
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.reminders",
        details={"offsets": row.reminder_offsets, "nudge_minutes": row.nudge_minutes},
    )
    await session.flush()
    return _to_config(guild_id, row, default_timezone)


async def _locked_row(session: AsyncSession, guild_id: int) -> GuildSettings:
    await insert_ignoring_conflict(session, GuildSettings, guild_id=guild_id)
    row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id).with_for_update())
    assert row is not None  # inserted just above if it was missing
    return row


def _to_config(guild_id: int, row: GuildSettings | None, default_timezone: str) -> GuildConfig:
    zone = row.timezone if row is not None else None
    return GuildConfig(
        guild_id=guild_id,
        timezone=zone or default_timezone,
        timezone_is_default=zone is None,
        organizer_role_id=row.organizer_role_id if row is not None else None,
        reminder_offsets=(
            offsets_from_storage(row.reminder_offsets)
            if row is not None and row.reminder_offsets is not None
            else DEFAULT_OFFSETS
        ),
        nudge_minutes=(
            row.nudge_minutes if row is not None and row.nudge_minutes is not None else DEFAULT_NUDGE_MINUTES
        ),
    )
