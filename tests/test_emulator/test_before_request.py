"""A change to the world just as a request arrives: what an admin does between the bot's own check
and its request is what Discord then answers by (a permission taken away, a channel deleted)."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.emulator import DiscordEmulator, Permission

from .conftest import ClientFactory, World

POST = ("POST", "/channels/{channel_id}/messages")


async def test_a_permission_taken_away_as_the_post_arrives_refuses_it_and_only_that_once(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    assert channel.permissions_for(channel.guild.me).send_messages  # the bot's check says yes
    emu.before_request(
        *POST,
        lambda: emu.set_channel_overwrite(
            world.channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1
        ),
        channel_id=world.channel.id,
    )
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("hello")
    assert refused.value.code == 50013  # Missing Permissions
    emu.set_channel_overwrite(world.channel.id, emu.bot_user_id, target_type=1)
    await channel.send("hello again")  # the change was made once


async def test_a_channel_deleted_as_the_post_arrives_is_unknown(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    emu.before_request(*POST, lambda: emu.delete_channel(world.channel.id))
    with pytest.raises(discord.NotFound) as refused:
        await channel.send("hello")
    assert refused.value.code == 10003  # Unknown Channel


async def test_an_awaitable_change_holds_the_request_while_another_overtakes_it(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)

    async def hold() -> None:
        await asyncio.sleep(0.3)

    emu.before_request(*POST, hold, channel_id=world.channel.id)
    other = emu.create_text_channel(world.guild.id, "other")
    first = asyncio.create_task(channel.send("first"))
    await asyncio.sleep(0.1)
    second = await client.get_partial_messageable(other.id, guild_id=world.guild.id).send("second")
    assert not first.done()  # still held
    assert (await first).id > second.id  # Discord took it after the other one
