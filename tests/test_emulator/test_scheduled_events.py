"""Guild scheduled events through discord.py: create, edit, delete, events, and the permission rule."""

from __future__ import annotations

import asyncio
import datetime as dt

import discord
import pytest

from tests.emulator import DEFAULT_BOT_PERMISSIONS, DiscordEmulator, Permission

from .conftest import ClientFactory, World

START = dt.datetime(2030, 5, 1, 10, 0, tzinfo=dt.UTC)


async def _create(guild: discord.Guild) -> discord.ScheduledEvent:
    return await guild.create_scheduled_event(
        name="Dinner",
        start_time=START,
        end_time=START + dt.timedelta(hours=2),
        entity_type=discord.EntityType.external,
        location="Gangnam",
        privacy_level=discord.PrivacyLevel.guild_only,
        description="ICCV folks",
    )


async def test_create_edit_delete_with_gateway_events(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    seen: asyncio.Queue[str] = asyncio.Queue()

    @client.event
    async def on_scheduled_event_create(event: discord.ScheduledEvent) -> None:
        await seen.put(f"create {event.name}")

    @client.event
    async def on_scheduled_event_update(before: discord.ScheduledEvent, after: discord.ScheduledEvent) -> None:
        await seen.put(f"update {after.name}")

    @client.event
    async def on_scheduled_event_delete(event: discord.ScheduledEvent) -> None:
        await seen.put(f"delete {event.name}")

    event = await _create(guild)
    event = await event.edit(name="Dinner (moved)", location="Itaewon")
    await event.delete()

    assert [await asyncio.wait_for(seen.get(), 2) for _ in range(3)] == [
        "create Dinner",
        "update Dinner (moved)",
        "delete Dinner (moved)",
    ]
    stored = emu.state.scheduled_events[event.id]
    assert stored.deleted and stored.entity_metadata == {"location": "Itaewon"}
    assert stored.scheduled_start_time.startswith("2030-05-01T10:00:00")


async def test_creating_events_needs_manage_or_create_events(emu: DiscordEmulator, start_client: ClientFactory) -> None:
    no_events = DEFAULT_BOT_PERMISSIONS & ~int(Permission.MANAGE_EVENTS | Permission.CREATE_EVENTS)
    guild_record = emu.create_guild(
        "strict", bot_permissions=no_events, everyone_permissions=int(Permission.VIEW_CHANNEL)
    )
    client = await start_client()
    guild = client.get_guild(guild_record.id)
    assert guild is not None

    with pytest.raises(discord.Forbidden) as refused:
        await _create(guild)

    assert refused.value.code == 50013
    with pytest.raises(discord.NotFound) as unknown:
        await guild.fetch_scheduled_event(1)
    assert unknown.value.code == 10070
