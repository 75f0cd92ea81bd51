"""Rate limits with Discord's headers and 429s, and injected failures, as discord.py experiences them."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest
from discord.http import HTTPClient, Route

from tests.emulator import DiscordEmulator

from .conftest import ClientFactory, World

EDIT = "PATCH /channels/{channel_id}/messages/{message_id}"
CREATE = "POST /channels/{channel_id}/messages"


async def test_limited_routes_carry_ratelimit_headers_and_discord_py_paces_itself(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    emu.configure_rate_limit(EDIT, limit=2, per=0.4)
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("v0")

    for version in range(1, 5):
        await message.edit(content=f"v{version}")

    assert [c.status for c in emu.calls_to(EDIT)] == [200] * 4
    assert emu.sent_429 == 0  # discord.py read X-RateLimit-Remaining: 0 and waited for the reset
    async with (
        aiohttp.ClientSession() as session,
        session.patch(
            f"{emu.api_base}/channels/{world.channel.id}/messages/{message.id}",
            json={"content": "v5"},
            headers={"Authorization": f"Bot {emu.bot_token}"},
        ) as response,
    ):
        assert {
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "X-RateLimit-Reset-After",
            "X-RateLimit-Bucket",
        } <= set(response.headers)


async def test_a_429_from_a_limit_discord_py_did_not_know_is_retried(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    """Two processes share the channel's bucket (as several bot processes do); the second one gets a 429."""
    emu.configure_rate_limit(CREATE, limit=1, per=0.3)
    first, second = await start_client(), await start_client(ready=False)
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel.id)

    await asyncio.gather(
        first.http.request(route, json={"content": "from process one"}),
        second.http.request(route, json={"content": "from process two"}),
    )

    statuses = [c.status for c in emu.calls_to(CREATE)]
    assert statuses == [200, 429, 200] and emu.sent_429 == 1
    assert {m.content for m in emu.channel_messages(world.channel.id)} == {
        "from process one",
        "from process two",
    }


async def test_429_answers_look_like_discords(emu: DiscordEmulator, world: World) -> None:
    emu.configure_rate_limit("GET /channels/{channel_id}", limit=1, per=30)
    url, headers = f"{emu.api_base}/channels/{world.channel.id}", {"Authorization": f"Bot {emu.bot_token}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=headers) as response:
            assert response.headers["X-RateLimit-Remaining"] == "0"
        async with session.get(url, headers=headers) as response:
            body = await response.json()
            assert response.status == 429 and response.headers["Content-Type"] == "application/json"
            assert response.headers["Via"] == "1.1 google" and int(response.headers["Retry-After"]) >= 1
            assert response.headers["X-RateLimit-Scope"] == "user"
            assert body["global"] is False and 0 < body["retry_after"] <= 30


async def test_injected_502_is_retried_then_succeeds(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    fault = emu.inject_fault("POST", "/channels/{channel_id}/messages", status=502)

    sent = await channel.send("through the flaky proxy")

    assert fault.fired == 1
    assert [c.status for c in emu.calls_to(CREATE)] == [502, 200]
    assert [m.id for m in emu.channel_messages(world.channel.id)] == [sent.id]


async def test_injected_429_and_503(emu: DiscordEmulator, world: World, start_client: ClientFactory) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    assert isinstance(channel, discord.TextChannel)
    emu.inject_fault("POST", "/channels/{channel_id}/messages", status=429, retry_after=0.05)
    await channel.send("after a short wait")
    emu.inject_fault("POST", "/channels/{channel_id}/messages", status=503)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("unlucky")

    assert [c.status for c in emu.calls_to(CREATE)] == [429, 200, 503]
    assert emu.sent_429 == 1


async def test_faults_only_name_real_routes(emu: DiscordEmulator) -> None:
    with pytest.raises(ValueError, match="not a route"):
        emu.inject_fault("POST", "/channels/{id}/messages", status=500)


async def test_login_with_a_bare_http_client(emu: DiscordEmulator) -> None:
    http = HTTPClient(loop=asyncio.get_running_loop())
    try:
        me = await http.static_login(emu.bot_token)
        assert int(me["id"]) == emu.bot_user_id and me["bot"] is True
    finally:
        await http.close()


async def test_a_fault_can_let_requests_through_first_and_keep_to_one_channel(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    channel = client.get_channel(world.channel.id)
    other = world.guild.id  # any other id: the fault must not fire for requests elsewhere
    assert isinstance(channel, discord.TextChannel)
    elsewhere = emu.inject_fault("POST", "/channels/{channel_id}/messages", status=503, channel_id=other)
    second = emu.inject_fault("POST", "/channels/{channel_id}/messages", status=503, skip=1, channel_id=channel.id)

    await channel.send("first part")
    with pytest.raises(discord.DiscordServerError):
        await channel.send("second part")
    await channel.send("third part")

    assert (elsewhere.fired, second.fired) == (0, 1)
    assert [c.status for c in emu.calls_to(CREATE)] == [200, 503, 200]
    assert [m.content for m in emu.channel_messages(world.channel.id)] == ["first part", "third part"]
