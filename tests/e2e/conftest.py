"""End-to-end fixtures: the emulator, a server in it, and the real bot connected to both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import BotRunner, Server, build_server, running_bot
from tests.emulator import DiscordEmulator, point_discord_py_at


@pytest.fixture
async def emu(request: pytest.FixtureRequest) -> AsyncIterator[DiscordEmulator]:
    """A running emulator. The test fails if the bot sent anything Discord's schema rejects."""
    emulator = DiscordEmulator(interaction_deadline=3.0)
    await emulator.start()
    restore = point_discord_py_at(emulator.api_base, emulator.gateway_url)
    try:
        yield emulator
    finally:
        restore()
        await emulator.stop()
    if not request.node.get_closest_marker("expect_problems"):
        emulator.assert_clean()


@pytest.fixture
def server(emu: DiscordEmulator) -> Server:
    return build_server(emu)


@pytest.fixture
async def bots(emu: DiscordEmulator, database_url: str) -> AsyncIterator[BotRunner]:
    async with running_bot(emu, database_url) as runner:
        yield runner


@pytest.fixture
async def bot_running(bots: BotRunner, server: Server) -> BotRunner:
    """The bot, started and connected, with `server` in its guilds."""
    await bots.start()
    return bots
