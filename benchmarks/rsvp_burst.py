"""RSVP burst: 1,000 members click Going at once on a meetup with 100 seats.

    .venv/bin/python -m benchmarks.rsvp_burst [--clicks 1000] [--capacity 100] [--runs 3]
                                             [--database-url postgresql://...]

The emulator runs in its own process, as Discord would; the bot in another. Each click is timed
inside the emulator from its dispatch to the bot's acknowledgement. The same burst then goes to a
bare discord.py bot that only acknowledges, for the ceiling on this machine. The emulator limits
posts and edits in a channel as Discord does (5 per 5 seconds each), so "429s 0" means the bot
kept to them, not that nothing was counting.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.bursts import BurstResult, edits_line, record_convergence, report, summarize, wait_until_connected
from benchmarks.common import (
    REPO,
    EmulatorProcess,
    bot_environment,
    emulator_process,
    fresh_database,
    machine,
    median,
    percentile,
    print_figures,
    start_bot,
    stop_bot,
)
from tests.emulator.control_client import EmulatorControlClient

# Discord's documented per-channel buckets, the ones a burst on one meetup message can run into.
CHANNEL_LIMITS = {
    "POST /channels/{channel_id}/messages": (5, 5.0),
    "PATCH /channels/{channel_id}/messages/{message_id}": (5, 5.0),
}


async def create_meetup(control: EmulatorControlClient, ids: dict[str, Any], capacity: int) -> tuple[str, str]:
    """Create the meetup as the organizer; returns its message id and its Going button's custom id."""
    when = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%d 19:00")
    for _ in range(100):  # the guild may not be in the bot's cache for a moment after connecting
        answer = await control.slash_command(
            ids["guild"],
            ids["channel"],
            ids["organizer"],
            "meetup create",
            {"title": "Burst", "when": when, "capacity": capacity},
            wait="final",
            timeout=10,
        )
        posted = re.match(r"Meetup #(\d+) is posted: \S+/(\d+)\n", answer.get("content") or "")
        if posted:
            return posted.group(2), f"meetup:rsvp:{posted.group(1)}:going"
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the bot did not create the meetup: {answer}")


def lists_of(embeds: list[dict[str, Any]]) -> dict[str, int]:
    counts = {}
    for field in embeds[0]["fields"]:
        name = field["name"]
        if "(" in name:
            counts[name.split(" (")[0]] = int(name.split("(")[1].split()[0].rstrip(")"))
    return counts


async def converge(
    control: EmulatorControlClient,
    message_id: str,
    result: BurstResult,
    timings: list[dict[str, Any]],
    *,
    clicks: int,
    edits_before: int,
) -> None:
    deadline = time.time() + 15
    while time.time() < deadline:
        edits = await control.message_edits(message_id)
        counts = lists_of(edits["embeds"])
        if counts.get("Going", 0) + counts.get("Waitlist", 0) == clicks:
            result.going, result.waitlisted = counts["Going"], counts.get("Waitlist", 0)
            record_convergence(result, edits, timings, edits_before)
            return
        await asyncio.sleep(0.1)


async def run_real_bot(
    emulator: EmulatorProcess, control: EmulatorControlClient, url: str, clicks: int, capacity: int
) -> tuple[BurstResult, str, str]:
    guild = emulator.info["guilds"][0]
    ids = {"guild": guild["id"], "channel": guild["channels"]["meetups"], "organizer": guild["members"]["organizer"]}
    members = [guild["members"][f"member{i:05d}"] for i in range(clicks)]
    before = (await control.stats())["identifies"]
    bot = await start_bot(bot_environment(emulator, url))
    try:
        await wait_until_connected(control, before, bot)
        message_id, going = await create_meetup(control, ids, capacity)
        edits_before = (await control.message_edits(message_id))["edit_count"]
        sent_429_before = (await control.stats())["sent_429"]
        timings = await control.burst_buttons(ids["channel"], message_id, going, members, timeout=120)
        result = summarize(timings)
        await converge(control, message_id, result, timings, clicks=clicks, edits_before=edits_before)
        result.sent_429 = (await control.stats())["sent_429"] - sent_429_before
        return result, message_id, going
    finally:
        await stop_bot(bot)


async def run_bare_bot(
    emulator: EmulatorProcess, control: EmulatorControlClient, message_id: str, custom_id: str, clicks: int
) -> BurstResult:
    guild = emulator.info["guilds"][0]
    members = [guild["members"][f"member{i:05d}"] for i in range(clicks)]
    before = (await control.stats())["identifies"]
    env = bot_environment(emulator, "sqlite://")
    bare = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.bare_bot",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_until_connected(control, before, bare)
        return summarize(
            await control.burst_buttons(guild["channels"]["meetups"], message_id, custom_id, members, timeout=120)
        )
    finally:
        await stop_bot(bare)


async def main(clicks: int, capacity: int, runs: int, database_url: str | None) -> None:
    ours: list[BurstResult] = []
    bare: list[BurstResult] = []
    async with (
        emulator_process("crowd", "--members", str(clicks)) as emulator,
        EmulatorControlClient(emulator.base_url) as control,
    ):
        for route, (limit, per) in CHANNEL_LIMITS.items():
            await control.configure_rate_limit(route, limit, per)
        for _ in range(runs):
            async with fresh_database(database_url) as url:
                result, message_id, going = await run_real_bot(emulator, control, url, clicks, capacity)
                ours.append(result)
            # The bare bot only acknowledges, so it can answer clicks on the same message.
            bare.append(await run_bare_bot(emulator, control, message_id, going, clicks))
    database = "PostgreSQL" if database_url else "SQLite"
    print(f"RSVP burst: {clicks} Going clicks from {clicks} members, capacity {capacity}, {database}; {machine()}")
    print("  rate limits on: " + "; ".join(f"{r} {n} per {p:g} s" for r, (n, p) in CHANNEL_LIMITS.items()))
    print("  " + report("meetup-bot", ours))
    print("  " + report("bare discord.py bot", bare))
    ratio = median([r.per_second for r in ours]) / median([r.per_second for r in bare])
    print(f"  throughput ratio meetup-bot / bare: {ratio:.2f}")
    print_figures(
        "rsvp_burst",
        database_url,
        clicks_per_s=median([r.per_second for r in ours]),
        bare_clicks_per_s=median([r.per_second for r in bare]),
        ratio=ratio,
        ack_p50_ms=median([percentile(r.ack_ms, 50) for r in ours]),
        ack_p99_ms=median([percentile(r.ack_ms, 99) for r in ours]),
        ack_max_ms=max(max(r.ack_ms, default=0) for r in ours),
        unanswered=sum(r.unanswered for r in ours),
        going=median([r.going for r in ours]),
        waitlisted=median([r.waitlisted for r in ours]),
        overbooked=sum(max(0, r.going - capacity) for r in ours),
        edits=median([r.edits for r in ours]),
        converge_s=median([r.converge_s for r in ours]),
        converge_after_ack_s=median([r.converge_after_ack_s for r in ours]),
        rate_limited=sum(r.sent_429 for r in ours),
    )
    for index, r in enumerate(ours, start=1):
        print(
            f"  run {index}: going {r.going}, waitlisted {r.waitlisted}; "
            f"{edits_line(r, message='meetup message', action='click')}; 429s {r.sent_429}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.clicks, arguments.capacity, arguments.runs, arguments.database_url))
