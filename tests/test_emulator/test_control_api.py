"""Driving the emulator from another process: the control API, its client, and `python -m tests.emulator`."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import discord
import pytest
from discord import app_commands

from tests.emulator import DiscordEmulator, EmulatorControlClient

from .conftest import ClientFactory, all_intents

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_control_client_builds_a_world_and_acts_in_it(emu: DiscordEmulator, start_client: ClientFactory) -> None:
    async with EmulatorControlClient(f"http://{emu.host}:{emu.port}") as control:
        guild = await control.create_guild("Remote")
        channel = await control.create_channel(guild["id"], "meetups")
        member = await control.create_member(guild["id"], "remote-alice")

        client = discord.Client(intents=all_intents(), guild_ready_timeout=0.05)
        tree = app_commands.CommandTree(client)

        @tree.command(description="Say hi")
        async def hello(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"hi {interaction.user.name}")

        await start_client(client)
        await tree.sync()

        answer = await control.slash_command(guild["id"], channel["id"], member["id"], "hello", wait="final")
        posted = await control.post_message(channel["id"], member["id"], "thanks!")
        reacted = await control.react(channel["id"], posted["id"], "👍", member["id"])
        messages = await control.channel_messages(channel["id"])
        stats = await control.stats()
        problems = await control.problems()

    assert answer["response_type"] == 4 and answer["content"] == "hi remote-alice"
    assert reacted == {"changed": True}
    assert [m["content"] for m in messages] == ["hi remote-alice", "thanks!"]
    assert messages[1]["reactions"] == {"👍": [member["id"]]}
    assert stats["interactions"] == 1 and stats["identifies"] == 1
    assert problems == {"schema_errors": [], "unhandled_requests": []}


@pytest.mark.slow
async def test_the_module_runs_on_its_own_and_prints_how_to_connect() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.emulator",
        "--port",
        "0",
        "--seed",
        "demo",
        "--json",
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        info = json.loads(await asyncio.wait_for(process.stdout.readline(), 20))
        assert info["api_base"].endswith("/api/v10") and info["gateway_url"].startswith("ws://127.0.0.1:")
        assert info["bot_token"] and info["guilds"][0]["channels"]["meetups"]
        async with EmulatorControlClient(info["control_url"].removesuffix("/_emulator")) as control:
            remote = await control.info()
        assert remote["bot_user_id"] == info["bot_user_id"]
        assert {m["username"] for m in remote["guilds"][0]["members"]} >= {"minji", "dana"}
    finally:
        process.terminate()
        await process.wait()
