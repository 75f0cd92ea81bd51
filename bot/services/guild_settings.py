"""Per-server settings: time zone, date order, organizer role, default reminders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildSettings
from bot.db.upsert import insert_ignoring_conflict
from bot.services.audit import record_action
from bot.services.date_order import DateOrder, effective_order
from bot.services.organizers import Actor, is_organizer, require_organizer, require_server_management
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
    date_order: DateOrder | None = None  # None: follow the server's language
    locale: str | None = None  # the server's language, as Discord last sent it with a settings command

    def reading_order(self, locale: str | None = None) -> DateOrder:
        """How this server reads 5/12: its choice, else what its language (`locale`, sent by Discord
        with the command being read, or the one stored) implies."""
        return effective_order(self.date_order, locale or self.locale)


async def get_guild_config(session: AsyncSession, *, guild_id: int, default_timezone: str = "UTC") -> GuildConfig:
    """The server's settings, with the defaults where it chose none. `default_timezone` is the
    bot's setting for a server without a zone of its own; readers that use no zone leave it out."""
    row = await session.get(GuildSettings, guild_id)
    return _to_config(guild_id, row, default_timezone)


async def require_guild_organizer(session: AsyncSession, *, guild_id: int, actor: Actor) -> None:
    config = await get_guild_config(session, guild_id=guild_id)
    require_organizer(actor, config.organizer_role_id)


async def is_guild_organizer(session: AsyncSession, *, guild_id: int, actor: Actor) -> bool:
    config = await get_guild_config(session, guild_id=guild_id)
    return is_organizer(actor, config.organizer_role_id)


async def set_guild_timezone(
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    zone: str,
    default_timezone: str,
    locale: str | None = None,
) -> GuildConfig:
    row = await _locked_row(session, guild_id, locale)
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
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    role_id: int | None,
    default_timezone: str,
    locale: str | None = None,
) -> GuildConfig:
    require_server_management(actor)
    row = await _locked_row(session, guild_id, locale)
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
    locale: str | None = None,
) -> GuildConfig:
    """New meetups' reminder offsets and the nudge to Maybe members; either may be left as it is."""
    parsed_offsets = parse_offsets(offsets) if offsets is not None else None
    parsed_nudge = parse_nudge(nudge) if nudge is not None else None
    row = await _locked_row(session, guild_id, locale)
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


async def set_date_order(
    session: AsyncSession,
    *,
    guild_id: int,
    actor: Actor,
    order: DateOrder | None,
    default_timezone: str,
    locale: str | None = None,
) -> GuildConfig:
    """How slash dates with two readings are read from now on; None follows the server's language."""
    row = await _locked_row(session, guild_id, locale)
    require_organizer(actor, row.organizer_role_id)
    previous = row.date_order
    row.date_order = order.value if order is not None else None
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.date_order",
        details={"from": previous, "to": row.date_order},
    )
    await session.flush()
    return _to_config(guild_id, row, default_timezone)


async def _locked_row(session: AsyncSession, guild_id: int, locale: str | None = None) -> GuildSettings:
    await insert_ignoring_conflict(session, GuildSettings, guild_id=guild_id)
    row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id).with_for_update())
    assert row is not None  # inserted just above if it was missing
    if locale:
        row.locale = locale[:16]  # the language Discord last sent with a command here, for reads without one
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
        date_order=_stored_order(row.date_order if row is not None else None),
        locale=row.locale if row is not None else None,
    )


def _stored_order(value: str | None) -> DateOrder | None:
    return DateOrder(value) if value in (DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST) else None
