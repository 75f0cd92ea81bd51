"""Reminders at scale: 10,000 pending across 1,000 servers, 1,000 of them due within one minute.

    .venv/bin/python -m benchmarks.reminders [--servers 1000] [--pending 10000] [--due 1000] [--runs 3]
                                             [--database-url postgresql://...]

The database is filled through the bot's own services before the bot starts (as if it had been
running), then the real bot starts in its own process against the emulator in another. Prints:
time from process start to reminder timers rebuilt, and the longest the event loop was held
meanwhile (both from the bot's own log line; nothing can be acknowledged while the loop is held);
how quickly a slash command is answered while the due reminders are being posted (the event
loop's lag as a member feels it); lateness of the due reminders (the emulator's message time minus the
reminder's due time), and duplicates (posts per reminder beyond one).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import Meetup, Reminder, ReminderState
from bot.services.lifecycle import phase_of
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, record_message, record_shown_phase
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.settings import to_async_database_url
from tests.emulator.control_client import EmulatorControlClient, EmulatorControlError

ORGANIZER = Actor(user_id=1, permissions=MANAGE_EVENTS)
REBUILT = re.compile(r"Reminder timers set for (\d+) reminders.*held at most (\d+) ms")
REMINDER_FOOTER = re.compile(r"Meetup #(\d+) · reminder")


async def make_world(control: EmulatorControlClient, servers: int) -> list[tuple[int, int]]:
    """(guild id, channel id) of `servers` servers the bot is in."""
    made = []
    for n in range(servers):
        guild = await control.create_guild(f"Community {n}")
        channel = await control.create_channel(guild["id"], "meetups")
        made.append((int(guild["id"]), int(channel["id"])))
    return made


LEAD = 45  # seconds from the end of the fill to the first due reminder: the bot starts meanwhile


async def fill(
    control: EmulatorControlClient, url: str, world: list[tuple[int, int]], *, pending: int, due: int
) -> datetime:
    """Meetups whose reminders make `pending` pending reminders, `due` of them within a minute
    (each due meetup has a 1-minute reminder and its start; the rest 24h, 1h and the start).
    The far ones are made first, so that the due ones are due LEAD to LEAD + 55 seconds after
    the fill ends, however long it took. Returns when the first due reminder is due."""
    far = max(0, pending - 2 * due) // 4  # 24h, 1h, the start, and the nudge to Maybe
    # Each meetup has its message in its channel, posted before the clock starts.
    later_messages = await bot_messages(control, world, far)
    soon_messages = await bot_messages(control, world, due)
    database = Database.from_url(to_async_database_url(url))
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            now = datetime.now(UTC)
            for n in range(far):
                guild_id, channel_id = world[n % len(world)]
                day = now + timedelta(days=3 + n % 20, minutes=n % 600)
                typed = MeetupInput(title=f"Later {n}", when=f"{day:%Y-%m-%d %H:%M}", reminders="24h,1h")
                await posted_meetup(session, guild_id, channel_id, typed, now, message_id=later_messages[n])
        async with database.transaction() as session:
            start = datetime.now(UTC)
            for n in range(due):
                guild_id, channel_id = world[n % len(world)]
                seconds = 60 + LEAD + n * 55 // max(1, due)  # the 1-minute reminder: LEAD to LEAD + 55 s
                typed = MeetupInput(title=f"Soon {n}", when=f"<t:{int(start.timestamp()) + seconds}:F>", reminders="1m")
                await posted_meetup(session, guild_id, channel_id, typed, start, message_id=soon_messages[n])
        async with database.reading() as session:
            counted = await session.scalar(
                select(func.count()).select_from(Reminder).where(Reminder.state == ReminderState.PENDING)
            )
        print(f"  filled: {counted} pending reminders across {len(world)} servers", flush=True)
    finally:
        await database.dispose()
    return start + timedelta(seconds=LEAD)


async def bot_messages(control: EmulatorControlClient, world: list[tuple[int, int]], count: int) -> list[int]:
    """Messages of the bot's, as the meetup messages it would have posted, the nth in the nth
    meetup's channel: the reminders of a meetup whose message is not posted never go."""
    bot_user_id = (await control.info())["bot_user_id"]

    async def post(n: int) -> int:
        _, channel_id = world[n % len(world)]
        return int((await control.post_message(channel_id, bot_user_id, "A meetup"))["id"])

    posted: list[int] = []
    for first in range(0, count, 50):
        posted += await asyncio.gather(*(post(n) for n in range(first, min(count, first + 50))))
    return posted


async def posted_meetup(
    session: Any, guild_id: int, channel_id: int, typed: MeetupInput, now: datetime, *, message_id: int
) -> Meetup:
    """A meetup as the bot stores it once posted (drawn in the phase it was in, as the bot records)."""
    meetup = await create_meetup(
        session, guild_id=guild_id, channel_id=channel_id, actor=ORGANIZER, typed=typed, default_timezone="UTC", now=now
    )
    await record_message(session, meetup_id=meetup.id, message_id=message_id)
    await record_shown_phase(session, meetup_id=meetup.id, phase=phase_of(meetup, now).value)
    return meetup


async def run(
    emulator: EmulatorProcess,
    control: EmulatorControlClient,
    url: str,
    world: list[tuple[int, int]],
    *,
    pending: int,
    due: int,
    bot_log: Path | None,
) -> dict[str, Any]:
    first_due = await fill(control, url, world, pending=pending, due=due)
    if (ahead := (first_due - datetime.now(UTC)).total_seconds()) < 15:
        # Reminders due before the bot is up would measure the fill, not the bot.
        print(f"  warning: the first reminder is due {ahead:.0f} s after the fill ended", flush=True)
    env = bot_environment(emulator, url, LOG_LEVEL="INFO")
    identified = (await control.stats())["identifies"]
    spawned = time.monotonic()
    bot = await start_bot(env, logged=True)
    rebuilt_s = lag_ms = float("nan")

    def rebuilt(line: str) -> bool:
        nonlocal rebuilt_s, lag_ms
        if found := REBUILT.search(line):
            rebuilt_s, lag_ms = time.monotonic() - spawned, float(found.group(2))
        return found is not None

    assert bot.stderr is not None
    try:
        await read_start_up(bot, rebuilt)
        drain = asyncio.create_task(drain_log(bot.stderr, bot_log))
        await wait_until_connected(control, identified, bot)
        last_due = first_due + timedelta(seconds=60)
        acks = await answers_during(control, world[0], seconds=(last_due - datetime.now(UTC)).total_seconds() + 3)
        lateness, duplicates, missing = await _lateness(control, url, world, since=first_due - timedelta(seconds=30))
        drain.cancel()
    finally:
        await stop_bot(bot)
    return {
        "rebuilt_s": rebuilt_s,
        "lag_ms": lag_ms,
        "acks": acks,
        "lateness": lateness,
        "duplicates": duplicates,
        "missing": missing,
    }


async def drain_log(stream: asyncio.StreamReader, sink: Path | None) -> None:
    with sink.open("ab") if sink else contextlib.nullcontext() as out:
        while line := await stream.readline():
            if out is not None:
                out.write(line)


async def answers_during(control: EmulatorControlClient, where: tuple[int, int], *, seconds: float) -> list[float]:
    """Ack times of a slash command run every half second for `seconds` (while timers fall due)."""
    guild_id, channel_id = where
    member = await control.create_member(guild_id, "timer-watcher")
    acks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sent = time.monotonic()
        try:
            await control.slash_command(guild_id, channel_id, member["id"], "settings show", {}, timeout=10)
        except EmulatorControlError as exc:
            if "CommandNotRegistered" in str(exc):
                await asyncio.sleep(0.1)  # the bot has not synced its commands yet
                continue
            if "TimeoutError" not in str(exc):
                raise
            acks.append(float("inf"))  # not answered at all: shows as the worst
            continue
        acks.append((time.monotonic() - sent) * 1000)
        await asyncio.sleep(0.5)
    return acks


async def _lateness(
    control: EmulatorControlClient, url: str, world: list[tuple[int, int]], *, since: datetime
) -> tuple[list[float], int, int]:
    """Lateness of each due reminder's post, and how many posts beyond one; posts of earlier runs
    (made before `since`, when this run began filling its database, with the reminder ids of an
    earlier database) are not this run's."""
    database = Database.from_url(to_async_database_url(url))
    try:
        async with database.reading() as session:
            rows = (
                await session.execute(
                    select(Reminder.id, Reminder.meetup_id, Reminder.due_at).where(Reminder.offset_minutes == 1)
                )
            ).all()
    finally:
        await database.dispose()
    due_at = {r.id: r.due_at for r in rows}
    # A reminder's post names its meetup and its kind (`Meetup #12 · reminder`), not its own row:
    # each meetup here has one reminder a minute before.
    of_meetup = {r.meetup_id: r.id for r in rows}
    posts: Counter[int] = Counter()
    late_ms = []
    for _, channel_id in world:
        for message in await control.channel_messages(channel_id):
            footer = ((message.get("embeds") or [{}])[0].get("footer") or {}).get("text", "")
            found = REMINDER_FOOTER.fullmatch(footer)
            if not found or int(found.group(1)) not in of_meetup:
                continue
            created = datetime.fromisoformat(message["created_at"])
            if created < since:
                continue
            reminder_id = of_meetup[int(found.group(1))]
            posts[reminder_id] += 1
            if posts[reminder_id] == 1:
                late_ms.append((created - due_at[reminder_id]).total_seconds() * 1000)
    duplicates = sum(n - 1 for n in posts.values())
    return late_ms, duplicates, len(due_at) - len(posts)


async def main(
    servers: int, pending: int, due: int, runs: int, database_url: str | None, *, bot_log: Path | None
) -> None:
    results = []
    async with emulator_process("demo") as emulator, EmulatorControlClient(emulator.base_url) as control:
        world = await make_world(control, servers)
        for _ in range(runs):
            async with fresh_database(database_url) as url:
                results.append(await run(emulator, control, url, world, pending=pending, due=due, bot_log=bot_log))
    database = "PostgreSQL" if database_url else "SQLite"
    print(f"Reminders: {pending} pending across {servers} servers, {due} due within a minute, {database}; {machine()}")
    rebuilt = [r["rebuilt_s"] for r in results]
    print(
        f"  process start to timers rebuilt: median {median(rebuilt):.2f} s ({', '.join(f'{x:.2f}' for x in rebuilt)})"
    )
    lags = [r["lag_ms"] for r in results]
    print(f"  event loop held at most, while rebuilding: median {median(lags):.0f} ms (worst {max(lags):.0f} ms)")
    acks = [percentile(r["acks"], 99) for r in results]
    worst = max(max(r["acks"]) for r in results)
    print(f"  a slash command answered while reminders fall due: p99 {median(acks):.0f} ms, worst {worst:.0f} ms")
    p50 = median([percentile(r["lateness"], 50) for r in results])
    p99 = median([percentile(r["lateness"], 99) for r in results])
    most = max(max(r["lateness"]) for r in results)
    print(f"  lateness of the {due} due reminders: p50 {p50:.0f} ms, p99 {p99:.0f} ms, worst {most:.0f} ms")
    print(f"  duplicates {sum(r['duplicates'] for r in results)}, not posted {sum(r['missing'] for r in results)}")
    print_figures(
        "reminders",
        database_url,
        rebuilt_s=median(rebuilt),
        rebuild_lag_ms=median(lags),
        lateness_p50_ms=p50,
        lateness_p99_ms=p99,
        lateness_max_ms=most,
        answer_p99_ms=median(acks),
        duplicates=sum(r["duplicates"] for r in results),
        not_posted=sum(r["missing"] for r in results),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--bot-log", type=Path, help="append the bot's log lines (after start-up) to this file")
    arguments = parser.parse_args()
    asyncio.run(
        main(
            arguments.servers,
            arguments.pending,
            arguments.due,
            arguments.runs,
            arguments.database_url,
            bot_log=arguments.bot_log,
        )
    )
