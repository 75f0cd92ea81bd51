"""Pings are notified when a message is created, as Discord does: an edit changes the mentions a
message shows but notifies nobody again; a role that is not mentionable pings only for an author
with Mention Everyone."""

from __future__ import annotations

import discord

from tests.emulator import DiscordEmulator, Permission
from tests.test_emulator.conftest import ClientFactory, World


async def test_an_edit_notifies_nobody_and_an_unmentionable_role_needs_mention_everyone(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    quiet = emu.create_role(world.guild.id, "Speakers", mentionable=False)
    client = await start_client()
    channel = client.get_partial_messageable(world.channel.id, guild_id=world.guild.id)
    roles = discord.AllowedMentions(roles=[discord.Object(world.organizers.id), discord.Object(quiet.id)])
    sent = await channel.send(f"<@&{world.organizers.id}> <@&{quiet.id}>", allowed_mentions=roles)
    record = emu.message(sent.id)
    assert record.notified is not None
    assert (record.notified.role_ids, record.pinged_role_ids) == ([world.organizers.id], [world.organizers.id])

    await sent.edit(content=f"<@{world.alice.id}>", allowed_mentions=discord.AllowedMentions(users=True))
    assert record.pinged_user_ids == [world.alice.id]  # what the message now mentions
    assert (record.notified.user_ids, record.notified.role_ids) == ([], [world.organizers.id])

    emu.set_channel_overwrite(world.channel.id, emu.bot_user_id, allow=int(Permission.MENTION_EVERYONE), target_type=1)
    louder = await channel.send(f"<@&{quiet.id}>", allowed_mentions=roles)
    notified = emu.message(louder.id).notified
    assert notified is not None and notified.role_ids == [quiet.id]
