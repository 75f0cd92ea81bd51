"""Poll burst: 500 members vote at once on a poll of 10 options.

    .venv/bin/python -m benchmarks.poll_burst [--voters 500] [--options 10] [--runs 3]
                                             [--database-url postgresql://...]

Each member picks a random set of options in the "Works for me" menu. Prints votes handled per
second, time to acknowledge, edits of the poll message, and whether the final tally (stored, and
shown on the message) is exactly the votes cast.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.bursts import BurstResult, edits_line, record_convergence, report, summarize, wait_until_connected
from benchmarks.common import (
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


async def create_poll(control: EmulatorControlClient, ids: dict[str, Any], options: int) -> tuple[str, str, list[str]]:
    """As the organizer; returns the poll message id, the menu's custom id and the option values."""
    start = datetime.now(UTC) + timedelta(days=7)
    times = "; ".join(f"{start + timedelta(hours=3 * n):%Y-%m-%d %H:00}" for n in range(options))
    for _ in range(100):
        answer = await control.slash_command(
            ids["guild"],
            ids["channel"],
            ids["organizer"],
            "meetup poll",
            {"title": "Burst poll", "options": times},
            wait="final",
            timeout=10,
        )
        posted = re.match(r"Poll #(\d+) is posted: \S+/(\d+)", answer.get("content") or "")
        if posted:
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError(f"the bot did not create the poll: {answer}")
    messages = await control.channel_messages(ids["channel"])
    message = next(m for m in messages if m["id"] == posted.group(2))
    menu = next(c for row in message["components"] for c in row["components"] if c["type"] == 3)
    return message["id"], menu["custom_id"], [o["value"] for o in menu["options"]]


def shown_counts(embeds: list[dict[str, Any]]) -> list[int]:
    """The ✅ count of each option, as the poll message shows it."""
    return [int(n) for n in re.findall(r"✅ (\d+) ·", embeds[0]["description"])]


async def run(
    emulator: EmulatorProcess,
    control: EmulatorControlClient,
    url: str,
    *,
    voters: int,
    options: int,
    rng: random.Random,
) -> tuple[BurstResult, bool]:
    guild = emulator.info["guilds"][0]
    ids = {"guild": guild["id"], "channel": guild["channels"]["meetups"], "organizer": guild["members"]["organizer"]}
    before = (await control.stats())["identifies"]
    bot = await start_bot(bot_environment(emulator, url))
    try:
        await wait_until_connected(control, before, bot)
        message_id, custom_id, values = await create_poll(control, ids, options)
        votes = [
            (guild["members"][f"member{i:05d}"], rng.sample(values, rng.randint(1, options))) for i in range(voters)
        ]
        expected = [sum(value in chosen for _, chosen in votes) for value in values]
        edits_before = (await control.message_edits(message_id))["edit_count"]
        timings = await control.burst_selects(ids["channel"], message_id, custom_id, votes, timeout=120)
        result = summarize(timings)
        correct = False
        for _ in range(150):  # the message converges within a couple of seconds
            edits = await control.message_edits(message_id)
            if shown_counts(edits["embeds"]) == expected:
                correct = True
                break
            await asyncio.sleep(0.1)
        record_convergence(result, edits, timings, edits_before)
        if not correct:
            print(f"  the message shows {shown_counts(edits['embeds'])}; the votes cast were {expected}")
        return result, correct
    finally:
        await stop_bot(bot)


async def main(voters: int, options: int, runs: int, database_url: str | None) -> None:
    rng = random.Random(7)
    results: list[BurstResult] = []
    tallies: list[bool] = []
    async with (
        emulator_process("crowd", "--members", str(voters)) as emulator,
        EmulatorControlClient(emulator.base_url) as control,
    ):
        for _ in range(runs):
            async with fresh_database(database_url) as url:
                result, correct = await run(emulator, control, url, voters=voters, options=options, rng=rng)
            results.append(result)
            tallies.append(correct)
    database = "PostgreSQL" if database_url else "SQLite"
    print(f"Poll burst: {voters} members vote at once on {options} options, {database}; {machine()}")
    print("  " + report("meetup-bot", results).replace("clicks", "votes"))
    print_figures(
        "poll_burst",
        database_url,
        votes_per_s=median([r.per_second for r in results]),
        ack_p50_ms=median([percentile(r.ack_ms, 50) for r in results]),
        ack_p99_ms=median([percentile(r.ack_ms, 99) for r in results]),
        edits=median([r.edits for r in results]),
        converge_s=median([r.converge_s for r in results]),
        converge_after_ack_s=median([r.converge_after_ack_s for r in results]),
        tally_exact=all(tallies),
    )
    for index, (r, ok) in enumerate(zip(results, tallies, strict=True), start=1):
        print(
            f"  run {index}: {edits_line(r, message='poll message', action='vote')}; "
            f"final tally on the message {'exact' if ok else 'WRONG'}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=500)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.voters, arguments.options, arguments.runs, arguments.database_url))
