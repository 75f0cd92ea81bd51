"""Messages through discord.py: content, embeds, components, edits, reactions, files, nonces, 403s, 404s."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import discord
import pytest

from tests.emulator import DiscordEmulator, Permission

from .conftest import ClientFactory, World


async def _channel(client: discord.Client, world: World) -> discord.TextChannel:
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_send_edit_react_and_see_the_mirrored_events(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = await _channel(client, world)
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Going", custom_id="rsvp:going", style=discord.ButtonStyle.success))
    created = asyncio.ensure_future(client.wait_for("message"))
    edited = asyncio.ensure_future(client.wait_for("raw_message_edit"))
    bot_reacted = asyncio.ensure_future(
        client.wait_for("raw_reaction_add", check=lambda e: e.user_id == emu.bot_user_id)
    )
    alice_reacted = asyncio.ensure_future(
        client.wait_for("raw_reaction_add", check=lambda e: e.user_id == world.alice.id)
    )

    sent = await channel.send(
        "Dinner at 7", embed=discord.Embed(title="Dinner", description="Bring friends"), view=view
    )
    await sent.edit(content="Dinner at 8")
    await sent.add_reaction("✅")
    await emu.add_reaction(world.channel.id, sent.id, "🤔", world.alice.id)

    mirrored = await asyncio.wait_for(asyncio.gather(created, edited, bot_reacted, alice_reacted), 2)
    message, edit, bot_reaction, alice_reaction = mirrored
    assert message.id == sent.id and edit.message.content == "Dinner at 8"
    assert (bot_reaction.user_id, str(bot_reaction.emoji)) == (emu.bot_user_id, "✅")
    assert alice_reaction.member is not None and alice_reaction.member.id == world.alice.id
    assert alice_reaction.message_author_id == emu.bot_user_id and alice_reaction.burst is False

    record = emu.message(sent.id)
    assert record.content == "Dinner at 8" and record.edit_count == 1
    assert record.embeds[0]["title"] == "Dinner" and record.embeds[0]["type"] == "rich"
    assert record.components[0]["components"][0]["custom_id"] == "rsvp:going"
    assert {key: r.user_ids for key, r in record.reactions.items()} == {
        "✅": [emu.bot_user_id],
        "🤔": [world.alice.id],
    }
    fetched = await channel.fetch_message(sent.id)
    row = fetched.components[0]
    assert isinstance(row, discord.ActionRow) and isinstance(row.children[0], discord.Button)
    assert fetched.reactions[0].me and row.children[0].label == "Going"


async def test_files_are_stored_and_served(emu: DiscordEmulator, world: World, start_client: ClientFactory) -> None:
    client = await start_client()
    channel = await _channel(client, world)

    sent = await channel.send("the plan", file=discord.File(io.BytesIO(b"BEGIN:VCALENDAR"), filename="meetup.ics"))

    attachment = emu.message(sent.id).attachments[0]
    assert (attachment.filename, attachment.data, attachment.content_type) == (
        "meetup.ics",
        b"BEGIN:VCALENDAR",
        "text/calendar",
    )
    async with aiohttp.ClientSession() as session, session.get(sent.attachments[0].url) as response:
        assert await response.read() == b"BEGIN:VCALENDAR"
    assert emu.calls[-1].file_names == ("meetup.ics",)


async def test_repeated_nonce_returns_the_first_message(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = await _channel(client, world)

    first = await channel.send("reminder", nonce="reminder-42")
    second = await channel.send("reminder", nonce="reminder-42")

    assert first.id == second.id
    assert len(emu.channel_messages(world.channel.id)) == 1


async def test_a_nonce_survives_a_lost_answer(emu: DiscordEmulator, world: World, start_client: ClientFactory) -> None:
    """The message is made but the answer is a 502; discord.py retries with the same nonce: one message."""
    client = await start_client()
    channel = await _channel(client, world)
    emu.inject_fault("POST", "/channels/{channel_id}/messages", status=502, after_processing=True)

    sent = await channel.send("exactly once", nonce="reminder-7")

    assert [m.id for m in emu.channel_messages(world.channel.id)] == [sent.id]
    assert [c.status for c in emu.calls_to("POST /channels/{channel_id}/messages")] == [502, 200]


async def test_missing_permissions_give_discords_403s(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = await _channel(client, world)
    sent = await channel.send("hello")
    others = await emu.send_message(world.channel.id, world.alice.id, "alice's message")

    emu.set_channel_overwrite(
        world.channel.id, emu.bot_user_id, deny=int(Permission.ADD_REACTIONS | Permission.ATTACH_FILES)
    )
    with pytest.raises(discord.Forbidden) as no_reactions:
        await sent.add_reaction("🎉")
    with pytest.raises(discord.Forbidden) as no_files:
        await channel.send(file=discord.File(io.BytesIO(b"x"), filename="x.txt"))
    with pytest.raises(discord.Forbidden) as not_author:
        await channel.get_partial_message(others.id).edit(content="hijack")

    emu.set_channel_overwrite(world.channel.id, world.guild.id, deny=int(Permission.SEND_MESSAGES))
    with pytest.raises(discord.Forbidden) as no_send:
        await channel.send("muted")
    emu.set_channel_overwrite(world.channel.id, world.guild.id, deny=int(Permission.VIEW_CHANNEL))
    with pytest.raises(discord.Forbidden) as hidden:
        await channel.send("hidden")

    assert [e.value.code for e in (no_reactions, no_files, not_author, no_send, hidden)] == [
        50013,
        50013,
        50005,
        50013,
        50001,
    ]


async def test_removing_a_member_s_reaction_needs_manage_messages(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = await _channel(client, world)
    sent = await channel.send("Karaoke?")
    await emu.add_reaction(world.channel.id, sent.id, "✅", world.alice.id)
    message = channel.get_partial_message(sent.id)
    with pytest.raises(discord.Forbidden) as refused:
        await message.remove_reaction("✅", discord.Object(world.alice.id))
    assert refused.value.code == 50013 and emu.message(sent.id).reactions["✅"].user_ids == [world.alice.id]

    emu.set_channel_overwrite(world.channel.id, emu.bot_user_id, allow=int(Permission.MANAGE_MESSAGES))
    removed = asyncio.ensure_future(client.wait_for("raw_reaction_remove", check=lambda e: e.user_id == world.alice.id))
    await asyncio.sleep(0.1)  # the overwrite reaches the client's cache
    await message.remove_reaction("✅", discord.Object(world.alice.id))
    event = await asyncio.wait_for(removed, 2)
    assert (event.message_id, str(event.emoji)) == (sent.id, "✅")
    assert "✅" not in emu.message(sent.id).reactions
    assert [
        c.status
        for c in emu.calls_to("DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/{user_id}")
    ] == [403, 204]


async def test_administrator_bypasses_overwrites(emu: DiscordEmulator, world: World) -> None:
    channel = emu.state.channels[world.channel.id]
    emu.set_channel_overwrite(channel.id, world.guild.id, deny=int(Permission.VIEW_CHANNEL))
    assert emu.state.bot_permissions_in(channel) == 0
    admin = emu.create_role(world.guild.id, "Admin", permissions=int(Permission.ADMINISTRATOR))
    emu.set_member_roles(world.guild.id, emu.bot_user_id, [admin])
    assert emu.state.bot_permissions_in(channel) & Permission.VIEW_CHANNEL


async def test_deleted_messages_and_channels_are_404(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = await _channel(client, world)
    sent = await channel.send("soon gone")
    deleted = asyncio.ensure_future(client.wait_for("raw_message_delete"))

    emu.delete_message(world.channel.id, sent.id)
    assert (await asyncio.wait_for(deleted, 2)).message_id == sent.id
    with pytest.raises(discord.NotFound) as gone:
        await sent.edit(content="too late")
    emu.delete_channel(world.channel.id)
    with pytest.raises(discord.NotFound) as no_channel:
        await channel.send("into the void")

    assert (gone.value.code, no_channel.value.code) == (10008, 10003)
    await emu.wait_for(lambda: client.get_channel(world.channel.id) is None, 2, "CHANNEL_DELETE to arrive")


async def test_dm_to_a_member_who_refuses_dms_is_50007(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    alice = await client.fetch_user(world.alice.id)
    bob = await client.fetch_user(world.bob.id)

    await alice.send("Your meetup starts in 1 hour")
    with pytest.raises(discord.Forbidden) as refused:
        await bob.send("Your meetup starts in 1 hour")

    assert refused.value.code == 50007
    assert [m.content for m in emu.dm_messages(world.alice.id)] == ["Your meetup starts in 1 hour"]


async def test_allowed_mentions_decide_who_is_pinged(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    everyone = int(Permission.MENTION_EVERYONE)
    emu.set_role_permissions(
        world.guild.id,
        emu.state.guild(world.guild.id).roles[world.guild.id].id,
        emu.state.guild(world.guild.id).roles[world.guild.id].permissions | everyone,
    )
    client = await start_client()
    client.allowed_mentions = discord.AllowedMentions.none()
    channel = await _channel(client, world)
    text = f"@everyone <@&{world.organizers.id}> <@{world.alice.id}> <@!{world.bob.id}>"

    silent = await channel.send(text)
    just_alice = discord.AllowedMentions(users=[discord.Object(world.alice.id)])
    only_alice = await channel.send(text, allowed_mentions=just_alice)
    everything = await channel.send(text, allowed_mentions=discord.AllowedMentions.all())
    in_embed = await channel.send(embed=discord.Embed(description=text), allowed_mentions=discord.AllowedMentions.all())
    question = await emu.send_message(world.channel.id, world.alice.id, "what time?")
    reply = await channel.get_partial_message(question.id).reply("8pm", mention_author=True)

    pings = {
        m.id: (m.pinged_user_ids, m.pinged_role_ids, m.mention_everyone) for m in emu.channel_messages(world.channel.id)
    }
    assert reply.reference is not None and reply.reference.message_id == question.id
    assert pings[silent.id] == ([], [], False)
    assert pings[only_alice.id] == ([world.alice.id], [], False)
    assert pings[everything.id] == ([world.alice.id, world.bob.id], [world.organizers.id], True)
    assert pings[in_embed.id] == ([], [], False)
    assert pings[reply.id] == ([world.alice.id], [], False)
    assert everything.mention_everyone and [u.id for u in everything.mentions] == [
        world.alice.id,
        world.bob.id,
    ]


async def test_pinning_posts_a_system_message_and_announces_it(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = await _channel(client, world)
    sent = await channel.send("the plan")
    with pytest.raises(discord.Forbidden):
        await sent.pin()
    emu.set_channel_overwrite(world.channel.id, emu.bot_user_id, allow=int(Permission.PIN_MESSAGES))
    announced = asyncio.ensure_future(client.wait_for("guild_channel_pins_update"))

    await sent.pin()

    await asyncio.wait_for(announced, 2)
    assert [m.id async for m in channel.pins()] == [sent.id]
    notice = emu.channel_messages(world.channel.id)[-1]
    assert notice.type == 6 and notice.message_reference == {
        "type": 0,
        "channel_id": str(world.channel.id),
        "message_id": str(sent.id),
        "guild_id": str(world.guild.id),
    }
