"""Fixtures for the emulator's own tests: a running emulator, a world in it, and real discord.py clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, overload

import discord
import pytest

from tests.emulator import Channel, DiscordEmulator, Guild, Role, User, point_discord_py_at


@dataclass
class World:
    guild: Guild
    channel: Channel
    organizers: Role
    alice: User
    bob: User


@pytest.fixture
async def emu(request: pytest.FixtureRequest) -> AsyncIterator[DiscordEmulator]:
    """A running emulator with discord.py pointed at it; the test fails if the bot broke the spec,
    unless it is marked `expect_problems`."""
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
def world(emu: DiscordEmulator) -> World:
    guild = emu.create_guild("Seoul meetups")
    channel = emu.create_text_channel(guild.id, "general")
    organizers = emu.create_role(guild.id, "Organizers", mentionable=True)
    alice = emu.create_member(guild.id, "alice", roles=[organizers])
    bob = emu.create_member(guild.id, "bob", accepts_dms=False)
    return World(guild, channel, organizers, alice, bob)


def all_intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.members = True
    intents.message_content = True
    return intents


ClientT = TypeVar("ClientT", bound=discord.Client)


class ClientFactory(Protocol):
    """`await start_client()` or `await start_client(my_bot, ready=False)`; returns the started client."""

    @overload
    def __call__(
        self, client: None = None, *, ready: bool = ..., timeout: float = ...
    ) -> Awaitable[discord.Client]: ...

    @overload
    def __call__(self, client: ClientT, *, ready: bool = ..., timeout: float = ...) -> Awaitable[ClientT]: ...


@pytest.fixture
async def start_client(emu: DiscordEmulator) -> AsyncIterator[ClientFactory]:
    """Start a real discord.py client (Client, Bot, AutoShardedBot...) on the emulator; waits for READY."""
    started: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(client: discord.Client | None = None, *, ready: bool = True, timeout: float = 5.0) -> Any:
        client = client or discord.Client(intents=all_intents(), guild_ready_timeout=0.05)
        await client.login(emu.bot_token)
        task = asyncio.create_task(client.connect(reconnect=True))
        started.append((client, task))
        if ready:
            await asyncio.wait_for(client.wait_until_ready(), timeout)
        return client

    yield start
    for client, task in started:
        await client.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "expect_problems: the test provokes schema errors or unhandled requests")
