"""Shards: each guild's events reach the shard Discord's formula gives, and the bot answers on all."""

from __future__ import annotations

from tests.e2e.harness import BotRunner, Server, build_server, poll_until, run_command
from tests.emulator import DiscordEmulator
from tests.emulator.snowflakes import shard_of


def servers_on_every_shard(emu: DiscordEmulator, shard_count: int) -> list[Server]:
    """Guilds until every shard has one (ids are time-based, so they spread over the shards)."""
    servers: list[Server] = []
    while {shard_of(s.guild.id, shard_count) for s in servers} != set(range(shard_count)):
        servers.append(build_server(emu, member_count=1))
    return servers


async def test_a_process_running_two_shards_answers_in_every_guild(emu: DiscordEmulator, database_url: str) -> None:
    servers = servers_on_every_shard(emu, 2)
    runner = BotRunner(emu, database_url)
    await runner.start(shard_count=2)
    try:
        await poll_until(lambda: len(emu.gateway.connected_sessions()) == 2, what="two shard sessions")
        assert sorted((s.shard_id, s.shard_count) for s in emu.gateway.connected_sessions()) == [(0, 2), (1, 2)]
        for server in servers:
            shown = await run_command(emu, server, server.member, "settings show")
            assert shown.embeds and shown.embeds[0]["title"] == "Meetup settings for this server"
    finally:
        await runner.stop()


async def test_a_process_runs_only_its_own_shards(emu: DiscordEmulator, database_url: str) -> None:
    servers = servers_on_every_shard(emu, 2)
    runner = BotRunner(emu, database_url)
    bot = await runner.start(shard_count=2, shard_ids=[1])
    try:
        assert [s.shard_id for s in emu.gateway.connected_sessions()] == [1]
        mine = {s.guild.id for s in servers if shard_of(s.guild.id, 2) == 1}
        assert {g.id for g in bot.guilds} == mine
    finally:
        await runner.stop()
