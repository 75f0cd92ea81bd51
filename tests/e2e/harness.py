"""Running the real bot, in this process, against the Discord emulator."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from bot.__main__ import build_bot
from bot.client import MeetupBot
from bot.settings import Settings
from tests.emulator import Channel, DiscordEmulator, Guild, InteractionHandle, Permission, Role, User
from tests.emulator.snowflakes import shard_of

MANAGE_EVENTS = int(Permission.MANAGE_EVENTS)


async def poll_until(condition: Callable[[], object], *, what: str, timeout: float = 15.0) -> None:
    """Wait for a condition on the bot's side (the emulator's own waits only wake on its changes);
    the condition may be a coroutine function (a read of the database)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (await result if inspect.isawaitable(result := condition()) else result):
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


@dataclass
class Server:
    """A guild as a test sees it: a channel, an organizer (Manage Events) and plain members."""

    guild: Guild
    channel: Channel
    organizers: Role
    organizer: User
    member: User
    members: list[User]


def build_server(emu: DiscordEmulator, *, member_count: int = 5, guild: Guild | None = None) -> Server:
    guild = guild or emu.create_guild("Conference meetups")
    channel = emu.create_text_channel(guild.id, "meetups")
    organizers = emu.create_role(guild.id, "Event staff", permissions=MANAGE_EVENTS)
    organizer = emu.create_member(guild.id, "minji", roles=[organizers])
    members = [emu.create_member(guild.id, f"member{i}") for i in range(member_count)]
    return Server(guild, channel, organizers, organizer, members[0], members)


def bot_settings(emu: DiscordEmulator, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "discord_token": emu.bot_token,
        "database_url": database_url,
        "discord_api_base": emu.api_base,
        "discord_gateway_url": emu.gateway_url,
        "default_timezone": "UTC",
    }
    values.update(overrides)
    return Settings(**values)


class BotRunner:
    """Starts and stops the real bot; each start is a fresh process state on the same database."""

    def __init__(self, emu: DiscordEmulator, database_url: str) -> None:
        self.emu = emu
        self.database_url = database_url
        self.bot: MeetupBot | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, *, force_sync: bool = False, **overrides: Any) -> MeetupBot:
        assert self.bot is None, "the bot is already running"
        settings = bot_settings(self.emu, self.database_url, **overrides)
        bot = build_bot(settings, force_sync=force_sync)
        self._task = asyncio.create_task(bot.start(self.emu.bot_token), name="bot")
        self.bot = bot
        count = settings.shard_count or 1
        shards = set(settings.shard_ids or range(count))
        expected = sum(1 for guild_id in self.emu.state.guilds if shard_of(guild_id, count) in shards)
        await poll_until(
            lambda: self._task is not None and (self._task.done() or len(bot.guilds) >= expected),
            what="the bot to connect and receive its guilds",
        )
        if self._task.done():
            self._task.result()  # raises what stopped it
        return bot

    async def stop(self) -> None:
        if self.bot is None:
            return
        bot, task = self.bot, self._task
        self.bot, self._task = None, None
        await bot.runtime.meetup_messages.coalescer.flush()
        await bot.runtime.poll_messages.coalescer.flush()
        await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await bot.db.dispose()

    async def restart(self, **overrides: Any) -> MeetupBot:
        await self.stop()
        return await self.start(**overrides)


async def run_command(
    emu: DiscordEmulator, server: Server, user: User, command: str, *, final: bool = True, **options: Any
) -> InteractionHandle:
    """Run a slash command as `user` in the server's channel and wait for the bot's whole answer."""
    interaction = await emu.slash_command(server.guild.id, server.channel.id, user.id, command, **options)
    if final:
        await interaction.wait_final(timeout=10)
    else:
        await interaction.wait_response(timeout=10)
    return interaction


@contextlib.asynccontextmanager
async def running_bot(emu: DiscordEmulator, database_url: str) -> AsyncIterator[BotRunner]:
    runner = BotRunner(emu, database_url)
    try:
        yield runner
    finally:
        await runner.stop()
