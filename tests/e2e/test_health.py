"""The health endpoint and metrics, served by the real bot."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.engine import make_read_sessionmaker
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup
from tests.e2e.reminder_steps import reminder_posts, starts_in
from tests.emulator import DiscordEmulator

Sample = tuple[str, tuple[tuple[str, str], ...]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def scrape(url: str) -> dict[Sample, float]:
    """Every sample /metrics serves, by name and labels."""
    status, text = await get(url)
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def grew(before: dict[Sample, float], after: dict[Sample, float], name: str, **labels: str) -> float:
    """How much a sample went up (the counters live as long as the test process)."""
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


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
        before = await scrape(f"{base}/metrics")

        # One 429 on the meetup message's edit (discord.py waits and retries), a click, a member
        # refused a command, and a reminder falling due a few seconds from now.
        emu.inject_fault("PATCH", "/channels/{channel_id}/messages/{message_id}", status=429, retry_after=0.2)
        _, message = await create_meetup(emu, server, when=starts_in(64), reminders="1m")
        await click(emu, server, message, "Going", server.member)
        refused = await run_command(emu, server, server.member, "meetup create", title="Mine", when="tomorrow 19:00")
        assert "organizer" in (refused.content or "").lower()
        await poll_until(lambda: reminder_posts(emu, server), what="the reminder post", timeout=20)

        async def counted() -> dict[Sample, float]:
            return await scrape(f"{base}/metrics")

        after = await counted()
        for _ in range(40):  # the post is visible a moment before the bot records it as sent
            if grew(before, after, "meetup_bot_reminders_total", outcome="sent"):
                break
            await asyncio.sleep(0.05)
            after = await counted()
        assert grew(before, after, "meetup_bot_rsvps_total", outcome="going") == 1
        assert grew(before, after, "meetup_bot_interactions_total", kind="component") == 1
        assert grew(before, after, "meetup_bot_interactions_total", kind="application_command") == 2
        # Both commands are timed: the one answered and the one refused.
        assert grew(before, after, "meetup_bot_interaction_seconds_count", kind="command") == 2
        assert grew(before, after, "meetup_bot_interaction_seconds_count", kind="component") == 1
        assert grew(before, after, "meetup_bot_rate_limits_total") == 1
        assert grew(before, after, "meetup_bot_message_edits_total") >= 1
        assert grew(before, after, "meetup_bot_reminders_total", outcome="sent") == 1
        assert grew(before, after, "meetup_bot_database_errors_total") == 0

        # The database stops answering: unhealthy, and counted as a database error.
        bot = runner.bot
        assert bot is not None
        working = bot.db.read_sessionmaker
        unreachable = create_async_engine("sqlite+aiosqlite:////nonexistent-directory/meetups.sqlite3")
        bot.db.read_sessionmaker = make_read_sessionmaker(unreachable)
        try:
            status, body = await get(f"{base}/healthz")
            assert (status, body) == (503, '{"status": "unavailable", "gateway": true, "database": false}')
        finally:
            bot.db.read_sessionmaker = working
            await unreachable.dispose()
        assert grew(after, await counted(), "meetup_bot_database_errors_total") == 1
        assert (await get(f"{base}/healthz"))[0] == 200

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
