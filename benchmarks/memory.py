"""Resident memory of the bot with 10,000 meetups and 100,000 RSVPs across 1,000 servers.

    .venv/bin/python -m benchmarks.memory [--meetups 10000] [--rsvps 100000] [--servers 1000]
                                          [--runs 3] [--database-url postgresql://...]

The database is filled directly (bulk inserts), the real bot starts in its own process against
the emulator (with every one of those servers), and its resident set size is read from /proc:
after start-up, then after organizers and members list meetups in 100 servers, and the peak.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from benchmarks.bursts import wait_until_connected
from benchmarks.common import (
    bot_environment,
    emulator_process,
    fresh_database,
    machine,
    median,
    print_figures,
    stop_bot,
)
from benchmarks.reminders import make_world
from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import Meetup, MeetupStatus, Rsvp, RsvpSource, RsvpStatus
from bot.settings import to_async_database_url
from tests.emulator.control_client import EmulatorControlClient, EmulatorControlError


async def fill(url: str, world: list[tuple[int, int]], *, meetups: int, rsvps: int) -> None:
    database = Database.from_url(to_async_database_url(url))
    now = datetime.now(UTC)
    per_meetup = max(1, rsvps // meetups)
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            rows = []
            for n in range(meetups):
                guild_id, channel_id = world[n % len(world)]
                start = now + timedelta(days=1 + n % 60, hours=n % 24)
                rows.append(
                    {
                        "id": n + 1,
                        "guild_id": guild_id,
                        "channel_id": channel_id,
                        "title": f"Meetup {n}",
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=2),
                        "timezone": "UTC",
                        "capacity": 50,
                        "status": MeetupStatus.SCHEDULED,
                        "created_by": 1,
                        "series_id": n + 1,
                        "reminder_offsets": "1440,60",
                    }
                )
            await session.execute(insert(Meetup), rows)
            answers = []
            for n in range(meetups):
                for k in range(per_meetup):
                    answers.append(
                        {
                            "meetup_id": n + 1,
                            "user_id": 10_000 + (n * 7 + k) % 50_000,
                            "status": RsvpStatus.GOING,
                            "source": RsvpSource.BUTTON,
                            "answered_at": now,
                            "status_changed_at": now,
                        }
                    )
            for start in range(0, len(answers), 10_000):
                await session.execute(insert(Rsvp), answers[start : start + 10_000])
    finally:
        await database.dispose()


def resident_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def run(
    control: EmulatorControlClient,
    emulator: object,
    url: str,
    world: list[tuple[int, int]],
    *,
    meetups: int,
    rsvps: int,
) -> dict[str, float]:
    await fill(url, world, meetups=meetups, rsvps=rsvps)
    identified = (await control.stats())["identifies"]
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=bot_environment(emulator, url),  # type: ignore[arg-type]
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_until_connected(control, identified, bot)
        await asyncio.sleep(2)  # GUILD_CREATE for every server, the phase and reminder sweeps
        after_start, _ = resident_mb(bot.pid)
        for guild_id, channel_id in world[:100]:
            member = await control.create_member(guild_id, "member")
            for command in ("meetup mine", "settings show"):
                for _ in range(100):
                    try:
                        await control.slash_command(guild_id, channel_id, member["id"], command, {}, timeout=10)
                        break
                    except EmulatorControlError as exc:
                        if "CommandNotRegistered" not in str(exc):
                            raise
                        await asyncio.sleep(0.1)
        after_use, peak = resident_mb(bot.pid)
    finally:
        await stop_bot(bot)
    return {"after_start_mb": after_start, "after_use_mb": after_use, "peak_mb": peak}


async def main(meetups: int, rsvps: int, servers: int, runs: int, database_url: str | None) -> None:
    results = []
    async with emulator_process("demo") as emulator, EmulatorControlClient(emulator.base_url) as control:
        world = await make_world(control, servers)
        for _ in range(runs):
            async with fresh_database(database_url) as url:
                results.append(await run(control, emulator, url, world, meetups=meetups, rsvps=rsvps))
    database = "PostgreSQL" if database_url else "SQLite"
    figures = {key: median([r[key] for r in results]) for key in results[0]}
    print(f"Memory: {meetups} meetups, {rsvps} RSVPs, {servers} servers, {database}; {machine()}")
    start, used, peak = figures["after_start_mb"], figures["after_use_mb"], figures["peak_mb"]
    print(f"  resident memory: after start {start:.0f} MB, after use {used:.0f} MB, peak {peak:.0f} MB (medians)")
    print_figures("memory", database_url, **figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetups", type=int, default=10_000)
    parser.add_argument("--rsvps", type=int, default=100_000)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.meetups, arguments.rsvps, arguments.servers, arguments.runs, arguments.database_url))
