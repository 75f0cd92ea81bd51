"""Recurring series at scale: 10,000 across 1,000 servers, 1,000 of whose next occurrences fall due within one minute.

    .venv/bin/python -m benchmarks.recurring_series [--servers 1000] [--series 10000] [--due 1000] [--runs 3]
                                                    [--database-url postgresql://...]

The database is filled through the bot's own services before the bot starts (as if it had been
running: each series' current occurrence posted, as `/meetup create ... repeat:weekly` would),
then the real bot starts in its own process against the emulator in another. The current
occurrences of `--due` series end over the coming minute (their next occurrence falls due then);
the others end days later. Prints: time from process start to occurrence timers rebuilt, and the
longest the event loop was held meanwhile (from the bot's log); how quickly a slash command is
answered while the next occurrences are being posted; lateness of those posts (the emulator's
message time minus the end of the occurrence before), and duplicates (posts per occurrence
beyond one, read by the meetup message's footer).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.bursts import wait_until_connected
from benchmarks.common import (
    EmulatorProcess,
    bot_environment,
    emulator_process,
    fresh_database,
    machine,
    median,
    percentile,
    print_figures,
    read_start_up,
    start_bot,
    stop_bot,
)
from benchmarks.reminders import answers_during, bot_messages, drain_log, make_world, posted_meetup
from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import Meetup, RecurringSeries
from bot.services.lifecycle import phase_of
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.services.recurring_series import RepeatRequest, start_series
from bot.settings import to_async_database_url
from tests.emulator.control_client import EmulatorControlClient

ORGANIZER = Actor(user_id=1, permissions=MANAGE_EVENTS)
LOOP_HELD = re.compile(r"Reminder timers set for .*held at most (\d+) ms")
REBUILT = re.compile(r"Occurrence timers set for (\d+) recurring series")
FOOTER = re.compile(r"^Meetup #(\d+)$")
LEAD = 45  # seconds from the end of the fill to the first due occurrence: the bot starts meanwhile
SPREAD = 60  # seconds over which the due occurrences fall due
SETTLE = 60  # seconds after the last one is due that the postings may take before they count as not posted


async def fill(
    control: EmulatorControlClient, url: str, world: list[tuple[int, int]], *, series: int, due: int
) -> datetime:
    """Weekly series, each with its first meetup posted; the first `due` of them end LEAD to
    LEAD + SPREAD seconds after the fill ends (however long it took), the rest 3 to 23 days on.
    Returns when the first due one ends."""
    began = time.monotonic()
    messages = await bot_messages(control, world, series)
    print(f"  {series} first meetups' messages posted in {time.monotonic() - began:.0f} s", flush=True)
    database = Database.from_url(to_async_database_url(url))
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            now = datetime.now(UTC)
            for n in range(due, series):
                day = now + timedelta(days=3 + n % 20, minutes=n % 600)
                await _start(session, world[n % len(world)], f"Later {n}", day, now, message_id=messages[n])
        async with database.transaction() as session:
            now = datetime.now(UTC)
            made = []
            for n in range(due):
                # Made a few days ahead (the rule's first date), then moved to end within the minute,
                # as if it had been under way for an hour when the bot starts.
                day = now + timedelta(days=3, minutes=n % 600)
                made.append(await _start(session, world[n % len(world)], f"Soon {n}", day, now, message_id=messages[n]))
            start = datetime.now(UTC)
            for n, meetup in enumerate(made):
                meetup.ends_at = start + timedelta(seconds=LEAD + n * SPREAD / max(1, due))
                meetup.starts_at = meetup.ends_at - timedelta(hours=1)
                meetup.shown_phase = phase_of(meetup, start).value
        async with database.reading() as session:
            counted = await session.scalar(select(func.count()).select_from(RecurringSeries))
        print(
            f"  filled: {counted} recurring series across {len(world)} servers in {time.monotonic() - began:.0f} s",
            flush=True,
        )
    finally:
        await database.dispose()
    return start + timedelta(seconds=LEAD)


async def _start(
    session: Any, where: tuple[int, int], title: str, day: datetime, now: datetime, *, message_id: int
) -> Meetup:
    guild_id, channel_id = where
    typed = MeetupInput(title=title, when=f"{day:%Y-%m-%d %H:%M}", reminders="24h")
    meetup = await posted_meetup(session, guild_id, channel_id, typed, now, message_id=message_id)
    await start_series(session, meetup=meetup, request=RepeatRequest("weekly"), locale=None, now=now)
    return meetup


async def run(
    emulator: EmulatorProcess,
    control: EmulatorControlClient,
    url: str,
    world: list[tuple[int, int]],
    *,
    series: int,
    due: int,
    bot_log: Path | None,
) -> dict[str, Any]:
    first_due = await fill(control, url, world, series=series, due=due)
    if (ahead := (first_due - datetime.now(UTC)).total_seconds()) < 15:
        print(f"  warning: the first occurrence falls due {ahead:.0f} s after the fill ended", flush=True)
    env = bot_environment(emulator, url, LOG_LEVEL="INFO")
    identified = (await control.stats())["identifies"]
    since = datetime.now(UTC)  # posts before this are an earlier run's
    spawned = time.monotonic()
    bot = await start_bot(env, logged=True)
    rebuilt_s = lag_ms = float("nan")
    timers = 0

    def rebuilt(line: str) -> bool:
        nonlocal rebuilt_s, lag_ms, timers
        if held := LOOP_HELD.search(line):
            lag_ms = float(held.group(1))
        if found := REBUILT.search(line):
            rebuilt_s, timers = time.monotonic() - spawned, int(found.group(1))
        return found is not None

    assert bot.stderr is not None
    drain: asyncio.Task[None] | None = None
    try:
        await read_start_up(bot, rebuilt)
        drain = asyncio.create_task(drain_log(bot.stderr, bot_log))
        await wait_until_connected(control, identified, bot)
        last_due = first_due + timedelta(seconds=SPREAD)
        acks = await answers_during(control, world[0], seconds=(last_due - datetime.now(UTC)).total_seconds() + 3)
        await _wait_until_posted(url, due, until=last_due + timedelta(seconds=SETTLE))
        posted = await _lateness(control, url, world, since=since)
    finally:
        await stop_bot(bot)  # its log is read until it exits: a full pipe would hold up its shutdown
        if drain is not None:
            drain.cancel()
    return {
        "rebuilt_s": rebuilt_s,
        "timers": timers,
        "lag_ms": lag_ms,
        "acks": acks,
        **posted,
    }


async def _wait_until_posted(url: str, due: int, *, until: datetime) -> None:
    """Until `due` next occurrences have their message, or `until`."""
    database = Database.from_url(to_async_database_url(url))
    try:
        while datetime.now(UTC) < until:
            async with database.reading() as session:
                posted = await session.scalar(
                    select(func.count())
                    .select_from(Meetup)
                    .where(Meetup.occurrence_index == 1, Meetup.message_id.is_not(None))
                )
            if (posted or 0) >= due:
                await asyncio.sleep(1)  # a second post of one of them would show by now
                return
            await asyncio.sleep(0.5)
    finally:
        await database.dispose()


async def _lateness(
    control: EmulatorControlClient, url: str, world: list[tuple[int, int]], *, since: datetime
) -> dict[str, Any]:
    """Lateness of each next occurrence's post (after the end of the occurrence before) and of
    the bot's beginning to make it (its record's creation), posts beyond one, due series with no
    post, and next occurrences made for series not due."""
    database = Database.from_url(to_async_database_url(url))
    try:
        async with database.reading() as session:
            rows = (
                await session.execute(
                    select(
                        Meetup.id,
                        Meetup.recurring_series_id,
                        Meetup.occurrence_index,
                        Meetup.ends_at,
                        Meetup.created_at,
                    ).where(Meetup.occurrence_index.in_((0, 1)))
                )
            ).all()
    finally:
        await database.dispose()
    ended = {r.recurring_series_id: r.ends_at for r in rows if r.occurrence_index == 0}
    due_ids = {series_id for series_id, ends_at in ended.items() if ends_at < since + timedelta(days=1)}
    fell_due = {r.id: ended[r.recurring_series_id] for r in rows if r.occurrence_index == 1}
    begun_ms = {r.id: (r.created_at - fell_due[r.id]).total_seconds() * 1000 for r in rows if r.id in fell_due}
    early = sum(1 for r in rows if r.occurrence_index == 1 and r.recurring_series_id not in due_ids)
    posts: Counter[int] = Counter()
    late_ms, begun = [], []
    for _, channel_id in world:
        for message in await control.channel_messages(channel_id):
            footer = ((message.get("embeds") or [{}])[0].get("footer") or {}).get("text", "")
            found = FOOTER.match(footer)
            created = datetime.fromisoformat(message["created_at"])
            if not found or int(found.group(1)) not in fell_due or created < since:
                continue
            meetup_id = int(found.group(1))
            posts[meetup_id] += 1
            if posts[meetup_id] == 1:
                late_ms.append((created - fell_due[meetup_id]).total_seconds() * 1000)
                begun.append(begun_ms[meetup_id])
    return {
        "lateness": late_ms,
        "begun": begun,
        "duplicates": sum(n - 1 for n in posts.values()),
        "missing": len(due_ids) - len(posts),
        "early": early,
    }


async def main(
    servers: int, series: int, due: int, runs: int, database_url: str | None, *, bot_log: Path | None
) -> None:
    results = []
    async with emulator_process("demo") as emulator, EmulatorControlClient(emulator.base_url) as control:
        world = await make_world(control, servers)
        for _ in range(runs):
            async with fresh_database(database_url) as url:
                results.append(await run(emulator, control, url, world, series=series, due=due, bot_log=bot_log))
    database = "PostgreSQL" if database_url else "SQLite"
    print(
        f"Recurring series: {series} across {servers} servers, {due} next occurrences due within a minute, "
        f"{database}; {machine()}"
    )
    rebuilt = [r["rebuilt_s"] for r in results]
    print(
        f"  process start to occurrence timers rebuilt ({results[0]['timers']} timers): median "
        f"{median(rebuilt):.2f} s ({', '.join(f'{x:.2f}' for x in rebuilt)})"
    )
    lags = [r["lag_ms"] for r in results]
    print(f"  event loop held at most, while rebuilding: median {median(lags):.0f} ms (worst {max(lags):.0f} ms)")
    acks = [percentile(r["acks"], 99) for r in results]
    worst = max(max(r["acks"]) for r in results)
    print(f"  a slash command answered while occurrences are posted: p99 {median(acks):.0f} ms, worst {worst:.0f} ms")
    p50 = median([percentile(r["lateness"], 50) for r in results])
    p99 = median([percentile(r["lateness"], 99) for r in results])
    most = max(max(r["lateness"], default=float("nan")) for r in results)
    print(f"  lateness of the {due} next occurrences: p50 {p50:.0f} ms, p99 {p99:.0f} ms, worst {most:.0f} ms")
    for r in results:
        print(
            f"    run: p50 {percentile(r['lateness'], 50):.0f} ms, p99 {percentile(r['lateness'], 99):.0f} ms; "
            f"the bot began making them p50 {percentile(r['begun'], 50):.0f} ms, "
            f"p99 {percentile(r['begun'], 99):.0f} ms after they fell due"
        )
    duplicates = sum(r["duplicates"] for r in results)
    missing = sum(r["missing"] for r in results)
    early = sum(r["early"] for r in results)
    print(f"  duplicates {duplicates}, not posted {missing}, made before they were due {early}")
    print_figures(
        "recurring_series",
        database_url,
        rebuilt_s=median(rebuilt),
        rebuild_lag_ms=median(lags),
        lateness_p50_ms=p50,
        lateness_p99_ms=p99,
        lateness_max_ms=most,
        answer_p99_ms=median(acks),
        duplicates=duplicates,
        not_posted=missing,
        made_early=early,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--bot-log", type=Path, help="append the bot's log lines (after start-up) to this file")
    arguments = parser.parse_args()
    asyncio.run(
        main(
            arguments.servers,
            arguments.series,
            arguments.due,
            arguments.runs,
            arguments.database_url,
            bot_log=arguments.bot_log,
        )
    )
