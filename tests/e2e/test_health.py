"""The health endpoint and metrics, served by the real bot."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

from tests.e2e.harness import BotRunner, Server, poll_until
from tests.e2e.meetup_steps import click, create_meetup
from tests.emulator import DiscordEmulator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def test_healthz_follows_the_gateway_and_metrics_count_what_happened(
    emu: DiscordEmulator, server: Server, database_url: str
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runner = BotRunner(emu, database_url)
    await runner.start(health_port=port)
    try:
        await poll_until(lambda: runner.bot is not None and runner.bot.is_ready(), what="the bot to be ready")
        status, body = await get(f"{base}/healthz")
        assert (status, body) == (200, '{"status": "ok", "gateway": true, "database": true}')
        _, message = await create_meetup(emu, server)
        await click(emu, server, message, "Going", server.member)
        status, metrics = await get(f"{base}/metrics")
        assert status == 200
        assert 'meetup_bot_rsvps_total{outcome="going"}' in metrics
        assert 'meetup_bot_interactions_total{kind="component"}' in metrics
        assert 'meetup_bot_interaction_seconds_count{kind="command"}' in metrics
        assert "meetup_bot_database_errors_total" in metrics and "meetup_bot_rate_limits_total" in metrics

        # The gateway connection drops: unhealthy until discord.py has reconnected.
        seen: list[int] = []
        emu.gateway_drop()
        for _ in range(400):  # up to about 20 s for discord.py's reconnection
            seen.append((await get(f"{base}/healthz"))[0])
            if 503 in seen and seen[-1] == 200:
                break
            await asyncio.sleep(0.05 if 503 in seen else 0)
        assert 503 in seen and seen[-1] == 200, seen[-5:]
    finally:
        await runner.stop()
    # Stopped with the bot: nothing listens any more.
    try:
        await get(f"{base}/healthz")
        raise AssertionError("the health endpoint outlived the bot")
    except aiohttp.ClientConnectionError:
        pass
