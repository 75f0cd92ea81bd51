"""Threads through discord.py: started from a message, members added without a ping, messages in
the thread, archiving, the permissions Discord checks, and a thread deleted by hand."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.emulator import DiscordEmulator, Permission
from tests.emulator.models import ChannelType

from .conftest import ClientFactory, World


async def _posted(client: discord.Client, world: World) -> discord.Message:
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    return await channel.send("Dinner at 7")


async def test_a_thread_from_a_message_has_its_id_members_messages_and_archives(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    message = await _posted(client, world)
    created = asyncio.ensure_future(client.wait_for("thread_create"))
    thread = await message.create_thread(name="Dinner", auto_archive_duration=10080)
    assert thread.id == message.id and thread.parent_id == world.channel.id and thread.name == "Dinner"
    assert (await asyncio.wait_for(created, 5)).id == thread.id
    with pytest.raises(discord.HTTPException) as again:
        await message.create_thread(name="Dinner again")
    assert again.value.code == 160004

    await client.http.add_user_to_thread(thread.id, world.alice.id)
    await client.http.add_user_to_thread(thread.id, world.alice.id)  # already in: 204 again
    record = emu.state.channels[thread.id]
    assert record.type == ChannelType.PUBLIC_THREAD
    assert record.thread_member_ids == [emu.bot_user_id, world.alice.id]
    members = await client.http.get_thread_members(thread.id)
    assert [int(m["user_id"]) for m in members] == [emu.bot_user_id, world.alice.id]

    said = await thread.send("Starting now")
    assert emu.message(said.id).channel_id == thread.id
    notified = emu.message(said.id).notified
    assert notified is None or not notified.user_ids  # nobody was pinged by being added or by the post

    await client.http.edit_channel(thread.id, archived=True)
    assert record.archived
    with pytest.raises(discord.HTTPException) as archived:
        await client.http.add_user_to_thread(thread.id, world.bob.id)
    assert archived.value.code == 50083
    await thread.send("One more thing")  # a message brings an archived thread back, as on Discord
    assert not record.archived

    emu.world.leave_thread(thread.id, world.alice.id)
    assert world.alice.id not in record.thread_member_ids
    emu.delete_channel(thread.id)
    with pytest.raises(discord.NotFound):
        await client.http.send_message(thread.id, params=discord.http.handle_message_parameters(content="x"))


async def test_threads_need_create_public_threads_and_a_channel_that_has_them(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    message = await _posted(client, world)
    emu.set_channel_overwrite(world.channel.id, world.guild.id, deny=int(Permission.CREATE_PUBLIC_THREADS))
    with pytest.raises(discord.Forbidden):
        await message.create_thread(name="Dinner")
    emu.set_channel_overwrite(world.channel.id, world.guild.id)
    thread = await message.create_thread(name="Dinner")

    emu.set_channel_overwrite(world.channel.id, world.guild.id, deny=int(Permission.SEND_MESSAGES_IN_THREADS))
    with pytest.raises(discord.Forbidden):
        await thread.send("hello")
    with pytest.raises(discord.Forbidden):
        await client.http.add_user_to_thread(thread.id, world.alice.id)
    emu.set_channel_overwrite(world.channel.id, world.guild.id)

    said = await thread.send("in the thread")
    with pytest.raises(discord.HTTPException) as in_a_thread:
        await client.http.start_thread_with_message(thread.id, said.id, name="nested", auto_archive_duration=60)
    assert in_a_thread.value.code == 50024


async def test_an_archived_thread_changes_only_by_being_reopened(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    thread = await (await _posted(client, world)).create_thread(name="Dinner")
    await client.http.edit_channel(thread.id, archived=True)
    with pytest.raises(discord.HTTPException) as renamed:
        await client.http.edit_channel(thread.id, name="Lunch")
    assert renamed.value.code == 50083
    await client.http.edit_channel(thread.id, archived=False, name="Lunch")
    record = emu.state.channels[thread.id]
    assert not record.archived and record.name == "Lunch"
