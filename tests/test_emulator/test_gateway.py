"""The gateway as discord.py sees it: READY and guilds, compression, intents, resume, reconnect, shards."""

from __future__ import annotations

import asyncio
import json
import sys
import zlib
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from tests.emulator import DiscordEmulator
from tests.emulator.control_client import EmulatorControlClient

from .conftest import ClientFactory, World, all_intents


async def test_client_gets_ready_with_guild_channels_roles_and_members(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()

    guild = client.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Seoul meetups"
    assert client.user is not None and client.user.id == emu.bot_user_id
    assert client.application_id == emu.application_id
    assert [c.name for c in guild.text_channels] == ["general"]
    assert {r.name for r in guild.roles} == {"@everyone", "Meetup Bot", "Organizers"}
    alice = guild.get_member(world.alice.id)
    assert alice is not None and alice.roles[-1].name == "Organizers"
    assert guild.me.guild_permissions.manage_events
    assert guild.chunked and guild.member_count == 4
    assert [c.route for c in emu.calls] == ["GET /users/@me", "GET /oauth2/applications/@me"]


async def _raw_gateway(emu: DiscordEmulator, query: str) -> tuple[aiohttp.ClientSession, Any]:
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(f"{emu.gateway_url}?{query}")
    return session, ws


async def test_zlib_stream_frames_share_one_compressor(emu: DiscordEmulator, world: World) -> None:
    session, ws = await _raw_gateway(emu, "v=10&encoding=json&compress=zlib-stream")
    inflater = zlib.decompressobj()
    try:
        hello = json.loads(inflater.decompress((await ws.receive()).data))
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250
        await ws.send_json({"op": 2, "d": {"token": emu.bot_token, "intents": 1, "properties": {}}})
        ready = await ws.receive()
        assert ready.data.endswith(b"\x00\x00\xff\xff")
        payload = json.loads(inflater.decompress(ready.data))
        assert payload["t"] == "READY" and payload["s"] == 1
        assert payload["d"]["guilds"] == [{"id": str(world.guild.id), "unavailable": True}]
        await ws.send_json({"op": 1, "d": 1})
        kinds = [json.loads(inflater.decompress((await ws.receive()).data)).get("t") for _ in range(2)]
        assert kinds == ["GUILD_CREATE", None]  # the heartbeat ACK has no event name
    finally:
        await ws.close()
        await session.close()


@pytest.mark.expect_problems
async def test_uncompressed_when_not_asked_and_bad_token_closes_4004(emu: DiscordEmulator) -> None:
    session, ws = await _raw_gateway(emu, "v=10&encoding=json")
    try:
        assert (await ws.receive()).type is aiohttp.WSMsgType.TEXT
        await ws.send_json({"op": 2, "d": {"token": "not-the-token", "intents": 0, "properties": {}}})
        closed = await ws.receive()
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4004
    finally:
        await session.close()


@pytest.mark.expect_problems
async def test_zstd_stream_is_refused_with_a_reason(emu: DiscordEmulator) -> None:
    session, ws = await _raw_gateway(emu, "v=10&encoding=json&compress=zstd-stream")
    try:
        closed = await ws.receive()
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4012
        assert "zstd-stream" in closed.extra
        assert "zstd-stream" in emu.gateway.protocol_errors[0]
    finally:
        await session.close()


async def test_intents_filter_dispatches(emu: DiscordEmulator, world: World, start_client: ClientFactory) -> None:
    intents = discord.Intents.none()
    intents.guilds = True
    await start_client(discord.Client(intents=intents, guild_ready_timeout=0.05))
    session = emu.gateway.connected_sessions()[0]
    assert session.dispatched == 2  # READY and GUILD_CREATE

    await emu.send_message(world.channel.id, world.alice.id, "nobody should hear this")  # needs GUILD_MESSAGES
    emu.set_member_roles(world.guild.id, world.alice.id, [])  # needs GUILD_MEMBERS
    emu.create_text_channel(world.guild.id, "new")  # GUILDS: delivered
    assert session.dispatched == 3


async def test_message_content_is_hidden_without_the_intent(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    intents = discord.Intents.default()  # no message_content
    client = await start_client(discord.Client(intents=intents, guild_ready_timeout=0.05))
    received: asyncio.Queue[discord.Message] = asyncio.Queue()

    @client.event
    async def on_message(message: discord.Message) -> None:
        await received.put(message)

    await emu.send_message(world.channel.id, world.alice.id, "secret plans")
    await emu.send_message(world.channel.id, world.alice.id, f"hey <@{emu.bot_user_id}>")
    first, second = await asyncio.wait_for(received.get(), 2), await asyncio.wait_for(received.get(), 2)
    assert first.content == "" and second.content == f"hey <@{emu.bot_user_id}>"


async def test_resume_after_dropped_connection_replays_missed_events(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    received: asyncio.Queue[str] = asyncio.Queue()
    resumed = asyncio.Event()

    @client.event
    async def on_message(message: discord.Message) -> None:
        await received.put(message.content)

    @client.event
    async def on_resumed() -> None:
        resumed.set()

    emu.gateway_drop()
    await emu.send_message(world.channel.id, world.alice.id, "sent while you were away")
    await asyncio.wait_for(resumed.wait(), 5)
    assert await asyncio.wait_for(received.get(), 2) == "sent while you were away"
    assert emu.gateway.resume_count == 1 and emu.gateway.identify_count == 1


async def test_reconnect_opcode_makes_the_client_resume(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    resumed = asyncio.Event()

    @client.event
    async def on_resumed() -> None:
        resumed.set()

    await emu.gateway_reconnect()
    await asyncio.wait_for(resumed.wait(), 5)
    await emu.send_message(world.channel.id, world.alice.id, "after the reconnect")
    message = await asyncio.wait_for(client.wait_for("message"), 2)
    assert message.content == "after the reconnect"


class _QuickShardedBot(commands.AutoShardedBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py waits 5 s between shard IDENTIFYs; the emulator has no such limit


async def test_two_shards_see_disjoint_guilds(emu: DiscordEmulator, start_client: ClientFactory) -> None:
    guilds = [emu.create_guild(f"guild {i}") for i in range(6)]
    emu.recommended_shards = 2
    bot = await start_client(_QuickShardedBot(command_prefix="!", intents=all_intents(), guild_ready_timeout=0.05))

    assert bot.shard_count == 2
    by_shard = {shard_id: {g.id for g in bot.guilds if g.shard_id == shard_id} for shard_id in (0, 1)}
    assert by_shard[0] | by_shard[1] == {g.id for g in guilds}
    sessions = {s.shard_id: s for s in emu.gateway.connected_sessions()}
    for shard_id, guild_ids in by_shard.items():
        assert all((g >> 22) % 2 == shard_id for g in guild_ids)
        assert sessions[shard_id].dispatched == 1 + len(guild_ids)  # READY + its own GUILD_CREATEs
    assert "GET /gateway/bot" in [c.route for c in emu.calls]


async def test_large_guild_members_arrive_through_chunk_requests(
    emu: DiscordEmulator, start_client: ClientFactory
) -> None:
    guild = emu.create_guild("large")
    for index in range(300):
        emu.create_member(guild.id, f"member{index}")
    client = await start_client()

    cached = client.get_guild(guild.id)
    assert cached is not None and cached.large and cached.chunked and len(cached.members) == 302


@pytest.mark.parametrize("shard", [[0, 1], [1, 2]])
async def test_ready_carries_the_shard_it_was_given(emu: DiscordEmulator, shard: list[int]) -> None:
    session, ws = await _raw_gateway(emu, "v=10&encoding=json")
    try:
        await ws.receive()
        await ws.send_json({"op": 2, "d": {"token": emu.bot_token, "intents": 1, "shard": shard, "properties": {}}})
        ready = json.loads((await ws.receive()).data)
        assert ready["d"]["shard"] == shard
        assert ready["d"]["resume_gateway_url"] == emu.gateway_url
    finally:
        await ws.close()
        await session.close()


@pytest.mark.expect_problems
async def test_privileged_intents_not_enabled_close_4014(emu: DiscordEmulator) -> None:
    emu.gateway.config.privileged_intents_enabled = 0
    client = discord.Client(intents=all_intents())
    await client.login(emu.bot_token)
    try:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(client.connect(reconnect=True), 5)
    finally:
        await client.close()
    assert emu.gateway.protocol_errors == ["closed 4014: Disallowed intent(s)."]


async def test_the_bot_hears_about_its_own_roles_without_the_members_intent(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05))
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    updated = asyncio.ensure_future(client.wait_for("member_update"))

    emu.set_member_roles(world.guild.id, emu.bot_user_id, [world.organizers])

    _before, after = await asyncio.wait_for(updated, 2)
    assert after.id == emu.bot_user_id and world.organizers.id in [r.id for r in after.roles]


# A plain discord.py client in a process of its own, as the bot runs: it idles, samples the
# latency discord.py measured after each heartbeat, and leaves discord.py's warnings on stderr.
IDLE_CLIENT = """
import asyncio, json, logging, sys
import discord, yarl

async def main(api_base, gateway_url, token, seconds):
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    client = discord.Client(intents=discord.Intents.none())
    await client.login(token)
    task = asyncio.create_task(client.connect())
    await client.wait_until_ready()
    samples = []
    for _ in range(int(seconds / 0.05)):
        await asyncio.sleep(0.05)
        samples.append(client.latency)
    await client.close()
    task.cancel()
    print(json.dumps(samples))

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))
"""


async def _run_idle_client(emu: DiscordEmulator, seconds: float) -> tuple[list[float], str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        IDLE_CLIENT,
        emu.api_base,
        emu.gateway_url,
        emu.bot_token,
        str(seconds),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30 + seconds)
    assert process.returncode == 0, stderr.decode()
    return json.loads(stdout), stderr.decode()


@pytest.mark.slow
async def test_an_idle_client_in_its_own_process_is_never_behind(emu: DiscordEmulator, world: World) -> None:
    interval = 0.4
    emu.gateway.config.heartbeat_interval_ms = int(interval * 1000)
    samples, warnings = await _run_idle_client(emu, seconds=6 * interval)

    # discord.py's latency is the time from a heartbeat to its ACK; measured against the heartbeat
    # before (an ACK that outran the send) it reads as a whole interval, the idle "41 s behind".
    assert max(samples) < interval / 2, samples
    assert "behind" not in warnings and "Can't keep up" not in warnings, warnings
    assert emu.gateway.heartbeats_received >= 6  # one at HELLO, then one per interval
    # Every heartbeat got its ACK, but the last one may have crossed the client's close.
    assert emu.gateway.heartbeats_received - emu.gateway.heartbeat_acks_sent <= 1


async def test_a_heartbeat_asked_for_by_the_gateway_is_sent_at_once(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    await start_client()
    before = emu.gateway.heartbeats_received

    emu.gateway.request_heartbeat()

    await emu.wait_for(lambda: emu.gateway.heartbeats_received > before, timeout=2, what="the heartbeat asked for")
    await emu.wait_for(lambda: emu.gateway.heartbeat_acks_sent == emu.gateway.heartbeats_received, timeout=2)

    async with EmulatorControlClient(emu.control_url.removesuffix("/_emulator")) as control:
        await control.gateway("heartbeat")  # the same, from another process
    await emu.wait_for(lambda: emu.gateway.heartbeats_received > before + 1, timeout=2, what="a second heartbeat")
