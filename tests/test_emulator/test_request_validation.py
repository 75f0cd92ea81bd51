"""Requests Discord would reject are answered 400/50035 and recorded; unknown routes are recorded too."""

from __future__ import annotations

import aiohttp
import discord
import pytest
from discord.http import Route

from tests.emulator import DiscordEmulator

from .conftest import ClientFactory, World


@pytest.mark.expect_problems
async def test_an_embed_title_over_256_is_rejected_and_recorded(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel.id)

    with pytest.raises(discord.HTTPException) as rejected:
        await client.http.request(route, json={"embeds": [{"title": "x" * 300}]})

    assert (rejected.value.status, rejected.value.code) == (400, 50035)
    assert "In embeds.0.title: Must be 256 or fewer in length." in str(rejected.value)
    [violation] = emu.schema_errors
    assert (violation.operation_id, violation.json_path, violation.keyword) == (
        "create_message",
        "embeds.0.title",
        "maxLength",
    )
    assert violation.request == f"POST /channels/{world.channel.id}/messages"
    assert emu.channel_messages(world.channel.id) == []


@pytest.mark.expect_problems
async def test_limits_from_the_docs_and_nested_components(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    long_custom_id = discord.ui.View()
    long_custom_id.add_item(discord.ui.Button(label="x", custom_id="c" * 101))

    with pytest.raises(discord.HTTPException):
        await channel.send("x" * 2001)  # the docs' 2000, not the spec's 4000
    with pytest.raises(discord.HTTPException):
        await channel.send("buttons", view=long_custom_id)
    with pytest.raises(discord.HTTPException):
        await channel.send("four stickers", stickers=[discord.Object(1)] * 4)  # type: ignore[list-item]

    paths = [(v.json_path, v.keyword) for v in emu.schema_errors]
    assert paths == [
        ("content", "maxLength"),
        ("components.0.components.0.custom_id", "maxLength"),
        ("sticker_ids", "maxItems"),
    ]


@pytest.mark.expect_problems
async def test_unknown_and_unemulated_routes_are_404_and_recorded(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()

    with pytest.raises(discord.NotFound):
        await client.http.request(Route("GET", "/not-a-discord-route"))
    with pytest.raises(discord.NotFound):
        await client.http.request(Route("GET", "/guilds/{guild_id}/bans", guild_id=world.guild.id))

    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://{emu.host}:{emu.port}/api/v9/gateway") as old,
    ):
        assert old.status == 404

    reasons = [u.reason for u in emu.unhandled_requests]
    assert reasons == [
        "no such route in Discord's spec",
        "GET /guilds/{guild_id}/bans is not emulated",
        "only API v10 is emulated",
    ]
    assert emu.unhandled_requests[1].operation_id == "list_guild_bans"


async def test_wrong_token_is_401(emu: DiscordEmulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{emu.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as response,
    ):
        assert response.status == 401
        assert response.headers["Content-Type"] == "application/json"
        assert (await response.json())["code"] == 40001
    with pytest.raises(discord.LoginFailure):
        await discord.Client(intents=discord.Intents.none()).login("wrong")


async def test_identical_bodies_are_validated_once(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("a body with a fresh random nonce")  # discord.py adds one to every send
    for _ in range(3):
        await message.edit(content="the same edit")
    assert emu.validation_stats.cache_hits == 2


@pytest.mark.expect_problems
async def test_rules_beyond_the_schema_embed_total_rows_and_duplicate_ids(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    big = [discord.Embed(title="t", description="d" * 4000), discord.Embed(description="d" * 2001)]
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel.id)
    button = {"type": 2, "style": 1, "label": "x", "custom_id": "same"}

    with pytest.raises(discord.HTTPException) as too_big:
        await channel.send(embeds=big)
    with pytest.raises(discord.HTTPException):
        await client.http.request(route, json={"components": [{"type": 1, "components": [button]}] * 6})
    with pytest.raises(discord.HTTPException):
        await client.http.request(route, json={"components": [{"type": 1, "components": [button, button]}]})

    assert "Embed size exceeds maximum size of 6000" in str(too_big.value)
    assert [v.keyword for v in emu.schema_errors] == [
        "MAX_EMBED_SIZE_EXCEEDED",
        "BASE_TYPE_MAX_LENGTH",
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "COMPONENT_CUSTOM_ID_DUPLICATED",
    ]
