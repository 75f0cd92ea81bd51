from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import AuditLogEntry, GuildSettings
from bot.services.date_order import DateOrder
from bot.services.errors import NotOrganizer, UnknownTimezone
from bot.services.guild_settings import (
    get_guild_config,
    set_date_order,
    set_guild_timezone,
    set_organizer_role,
)
from bot.services.organizers import MANAGE_EVENTS, MANAGE_GUILD, Actor

GUILD = 1001
ORGANIZER = Actor(user_id=1, permissions=MANAGE_EVENTS)
MEMBER = Actor(user_id=2, permissions=0, role_ids=[77])


async def test_a_server_without_settings_uses_the_bot_default(session: AsyncSession) -> None:
    config = await get_guild_config(session, guild_id=GUILD, default_timezone="Asia/Seoul")
    assert config.timezone == "Asia/Seoul"
    assert config.timezone_is_default
    assert config.organizer_role_id is None


async def test_organizer_sets_timezone_in_canonical_spelling(session: AsyncSession) -> None:
    config = await set_guild_timezone(
        session, guild_id=GUILD, actor=ORGANIZER, zone="europe/berlin", default_timezone="UTC"
    )
    assert config.timezone == "Europe/Berlin"
    assert not config.timezone_is_default
    stored = await session.get(GuildSettings, GUILD)
    assert stored is not None
    assert stored.timezone == "Europe/Berlin"
    audit = (await session.scalars(select(AuditLogEntry))).all()
    assert [(a.action, a.actor_id, a.details) for a in audit] == [
        ("settings.timezone", 1, {"from": None, "to": "Europe/Berlin"})
    ]


async def test_member_without_permission_changes_nothing(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(NotOrganizer):
        async with sessionmaker() as s, s.begin():
            await set_guild_timezone(s, guild_id=GUILD, actor=MEMBER, zone="Asia/Seoul", default_timezone="UTC")
    async with sessionmaker() as s:
        assert await s.get(GuildSettings, GUILD) is None
        assert (await s.scalars(select(AuditLogEntry))).all() == []


async def test_unknown_zone_is_refused_with_a_hint(session: AsyncSession) -> None:
    with pytest.raises(UnknownTimezone, match="IANA name"):
        await set_guild_timezone(session, guild_id=GUILD, actor=ORGANIZER, zone="Mars/Base", default_timezone="UTC")


async def test_organizer_role_members_may_organize_but_not_reassign_the_role(session: AsyncSession) -> None:
    admin = Actor(user_id=3, permissions=MANAGE_GUILD)
    await set_organizer_role(session, guild_id=GUILD, actor=admin, role_id=77, default_timezone="UTC")
    config = await set_guild_timezone(session, guild_id=GUILD, actor=MEMBER, zone="Asia/Seoul", default_timezone="UTC")
    assert config.timezone == "Asia/Seoul"
    with pytest.raises(NotOrganizer, match="Manage Server"):
        await set_organizer_role(session, guild_id=GUILD, actor=MEMBER, role_id=None, default_timezone="UTC")


async def test_clearing_the_organizer_role(session: AsyncSession) -> None:
    admin = Actor(user_id=3, permissions=MANAGE_GUILD)
    await set_organizer_role(session, guild_id=GUILD, actor=admin, role_id=77, default_timezone="UTC")
    config = await set_organizer_role(session, guild_id=GUILD, actor=admin, role_id=None, default_timezone="UTC")
    assert config.organizer_role_id is None


async def test_the_date_order_follows_the_language_until_a_server_chooses(session: AsyncSession) -> None:
    config = await get_guild_config(session, guild_id=GUILD, default_timezone="UTC")
    assert config.reading_order("en-US") is DateOrder.MONTH_FIRST
    assert config.reading_order("de") is DateOrder.DAY_FIRST
    assert config.reading_order("ja") is DateOrder.MONTH_FIRST
    assert config.reading_order(None) is DateOrder.MONTH_FIRST  # Discord's default language is US English
    chosen = await set_date_order(
        session, guild_id=GUILD, actor=ORGANIZER, order=DateOrder.DAY_FIRST, default_timezone="UTC", locale="en-US"
    )
    assert chosen.reading_order("en-US") is DateOrder.DAY_FIRST
    assert (await get_guild_config(session, guild_id=GUILD)).reading_order("en-US") is DateOrder.DAY_FIRST
    stored = await session.get(GuildSettings, GUILD)
    assert stored is not None and (stored.date_order, stored.locale) == ("DMY", "en-US")
    back = await set_date_order(session, guild_id=GUILD, actor=ORGANIZER, order=None, default_timezone="UTC")
    assert back.date_order is None
    assert (await get_guild_config(session, guild_id=GUILD)).reading_order(None) is DateOrder.MONTH_FIRST  # en-US
    audit = (
        await session.scalars(select(AuditLogEntry.details).where(AuditLogEntry.action == "settings.date_order"))
    ).all()
    assert audit == [{"from": None, "to": "DMY"}, {"from": "DMY", "to": None}]


async def test_a_member_cannot_choose_the_date_order(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(NotOrganizer):
        async with sessionmaker() as s, s.begin():
            await set_date_order(s, guild_id=GUILD, actor=MEMBER, order=DateOrder.DAY_FIRST, default_timezone="UTC")
    async with sessionmaker() as s:
        assert await s.get(GuildSettings, GUILD) is None
