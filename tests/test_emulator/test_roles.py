"""Roles and member roles through discord.py: Manage Roles, the role hierarchy, events, rate limits."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.emulator import DEFAULT_BOT_PERMISSIONS, DiscordEmulator, Permission

from .conftest import ClientFactory, World


def _bot_role_id(emu: DiscordEmulator, guild_id: int) -> int:
    return next(r.id for r in emu.state.guild(guild_id).roles.values() if r.bot_id == emu.state.bot_user.id)


def _allow_manage_roles(emu: DiscordEmulator, guild_id: int) -> None:
    emu.set_role_permissions(guild_id, _bot_role_id(emu, guild_id), DEFAULT_BOT_PERMISSIONS | Permission.MANAGE_ROLES)


async def test_a_role_below_the_bot_is_given_taken_and_deleted(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    _allow_manage_roles(emu, world.guild.id)
    client = await start_client()
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    data = await client.http.create_role(guild.id, name="Karaoke night")
    created = discord.Role(guild=guild, state=guild._state, data=data)
    assert created.position == 1
    assert emu.state.guild(guild.id).roles[_bot_role_id(emu, guild.id)].position == 2
    member = discord.Object(world.alice.id)
    await client.http.add_role(guild.id, member.id, created.id)
    assert created.id in emu.member(guild.id, world.alice.id).role_ids
    await client.http.remove_role(guild.id, member.id, created.id)
    assert created.id not in emu.member(guild.id, world.alice.id).role_ids
    await client.http.add_role(guild.id, member.id, created.id)
    await client.http.delete_role(guild.id, created.id)
    assert created.id not in emu.state.guild(guild.id).roles
    assert created.id not in emu.member(guild.id, world.alice.id).role_ids
    assert [change[3] for change in emu.member_role_changes] == [True, False, True]


@pytest.mark.expect_problems
async def test_without_manage_roles_or_above_the_bot_discord_refuses(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    below = emu.create_role(guild.id, "Below", below_bot=True)
    with pytest.raises(discord.Forbidden) as refused:
        await client.http.add_role(guild.id, world.alice.id, below.id)
    assert refused.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await client.http.create_role(guild.id, name="x")
    _allow_manage_roles(emu, guild.id)
    await asyncio.sleep(0.1)
    above = emu.create_role(guild.id, "Above")
    with pytest.raises(discord.Forbidden):
        await client.http.add_role(guild.id, world.alice.id, above.id)
    with pytest.raises(discord.Forbidden):
        await client.http.add_role(guild.id, world.alice.id, _bot_role_id(emu, guild.id))
    await client.http.add_role(guild.id, world.alice.id, below.id)
    assert emu.member_role_changes == [(guild.id, world.alice.id, below.id, True)]


async def test_the_member_role_routes_are_limited_per_server(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    _allow_manage_roles(emu, world.guild.id)
    emu.configure_rate_limit("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}", limit=3, per=0.5)
    client = await start_client()
    role = emu.create_role(world.guild.id, "Going", below_bot=True)
    members = [emu.create_member(world.guild.id, f"m{i}") for i in range(8)]
    await asyncio.gather(*(client.http.add_role(world.guild.id, m.id, role.id) for m in members))
    assert all(role.id in emu.member(world.guild.id, m.id).role_ids for m in members)
    assert emu.sent_429 <= 8  # concurrent first requests may each meet the limit once; none twice
