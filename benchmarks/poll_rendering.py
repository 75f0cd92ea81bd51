"""Big polls: rendering 1,000 and 10,000 voters on 25 options, and the event loop while it happens.

    .venv/bin/python -m benchmarks.poll_rendering [--voters 1000 10000] [--options 25] [--runs 5]
                                                 [--database-url postgresql://...] [--skip-bot]

First, in this process, the render time of each thing a big poll makes (median of --runs):
Results (the embeds and, past what one message shows, the CSV), the CSV alone, the poll
message's redraw (embed and menus, from the counts) and the grid picture.

Then the real bot (in this process, so that a probe can time its event loop) and the emulator
(in its own process, as Discord would be), with a poll of the largest --voters count filled into
the database (each voter: 1 to 10 "works", one in five also 1 to 4 "if need be"). Through the
emulator a member votes (the poll message is redrawn), clicks Results (every vote is read, the
CSV attached), and the organizer closes the poll (the picture is drawn and posted). Prints the
time each took as the member sees it and the longest the bot's event loop was held meanwhile:
while it is held, no click anywhere is acknowledged.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.common import EmulatorProcess, emulator_process, fresh_database, machine, median, print_figures
from bot.db.models import Poll, PollOption, PollStatus, PollVote, VoteKind
from bot.loop_lag import LoopLagProbe
from bot.rendering.components import poll_view
from bot.rendering.poll_embed import render_poll_embed, render_results_csv, render_results_detail
from bot.rendering.poll_grid import render_poll_grid
from bot.services.poll_tallies import OptionTally, PollResults
from tests.emulator.control_client import EmulatorControlClient

FIRST_USER = 400_000_000_000_000_000  # real ids have 18 to 19 digits
START = datetime(2027, 3, 20, 10, tzinfo=UTC)


def ballots(voters: int, options: int, rng: random.Random) -> list[tuple[list[int], list[int]]]:
    """Each voter's (works, if need be) option indexes."""
    drawn = []
    for number in range(voters):
        yes = rng.sample(range(options), rng.randint(1, min(10, options)))
        rest = [n for n in range(options) if n not in yes]
        maybe = rng.sample(rest, min(len(rest), rng.randint(1, 4))) if number % 5 == 0 else []
        drawn.append((yes, maybe))
    return drawn


def synthetic_results(voters: int, options: int, rng: random.Random) -> PollResults:
    poll = Poll(id=1, title="Poster-session dinner", timezone="Asia/Seoul", status=PollStatus.CLOSED, created_by=1)
    tallies = [
        OptionTally(PollOption(id=n + 1, poll_id=1, position=n, starts_at=START + timedelta(hours=3 * n)), [], [])
        for n in range(options)
    ]
    for number, (yes, maybe) in enumerate(ballots(voters, options, rng)):
        for n in yes:
            tallies[n].yes.append(FIRST_USER + number)
        for n in maybe:
            tallies[n].if_need_be.append(FIRST_USER + number)
    names = {FIRST_USER + n: f"Member {n} with a long display name" for n in range(voters)}
    return PollResults(poll, tallies, names, tuple(FIRST_USER + n for n in range(voters)))


def timed_ms(render: Callable[[PollResults], object], make: Callable[[], PollResults], runs: int) -> float:
    """The median time of `render` on fresh results (their voters and ballots are built once per
    render, as in the bot); making the results is not timed."""
    times = []
    for _ in range(runs):
        results = make()
        began = time.perf_counter()
        render(results)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def render_figures(voters: int, options: int, runs: int) -> dict[str, float]:
    def make() -> PollResults:
        return synthetic_results(voters, options, random.Random(voters))

    def redraw(results: PollResults) -> object:
        summary = results.summary()  # in the bot, the database counts (see poll_summary)
        return render_poll_embed(summary), poll_view(summary)

    return {
        "results": timed_ms(render_results_detail, make, runs),
        "csv": timed_ms(render_results_csv, make, runs),
        "redraw": timed_ms(redraw, make, runs),
        "picture": timed_ms(render_poll_grid, make, runs),
    }


async def fill_votes(url: str, poll_id: int, member_ids: list[int], rng: random.Random) -> int:
    """The votes of `member_ids`, written straight into the database (as if they had voted)."""
    from sqlalchemy import insert, select

    from bot.db.database import Database
    from bot.settings import to_async_database_url

    db = Database.from_url(to_async_database_url(url))
    try:
        async with db.transaction() as session:
            options = list(
                (
                    await session.scalars(
                        select(PollOption.id).where(PollOption.poll_id == poll_id).order_by(PollOption.position)
                    )
                ).all()
            )
            now = datetime.now(UTC)
            rows: list[dict[str, Any]] = []
            for number, (yes, maybe) in enumerate(ballots(len(member_ids), len(options), rng)):
                for kind, chosen in ((VoteKind.YES, yes), (VoteKind.IF_NEED_BE, maybe)):
                    rows.extend(
                        {
                            "poll_id": poll_id,
                            "option_id": options[n],
                            "user_id": member_ids[number],
                            "kind": kind,
                            "voter_name": f"member{number:05d}",
                            "voted_at": now + timedelta(microseconds=number),
                        }
                        for n in chosen
                    )
            for start in range(0, len(rows), 5000):
                await session.execute(insert(PollVote), rows[start : start + 5000])
        return len(rows)
    finally:
        await db.dispose()


async def through_the_bot(emulator: EmulatorProcess, url: str, voters: int, options: int) -> dict[str, float]:
    from bot.__main__ import build_bot
    from bot.settings import Settings

    guild = emulator.info["guilds"][0]
    ids = {"guild": guild["id"], "channel": guild["channels"]["meetups"], "organizer": guild["members"]["organizer"]}
    settings = Settings(
        discord_token=emulator.info["bot_token"],
        database_url=url,
        discord_api_base=emulator.info["api_base"],
        discord_gateway_url=emulator.info["gateway_url"],
        default_timezone="UTC",
    )
    bot = build_bot(settings, force_sync=False)
    running = asyncio.create_task(bot.start(emulator.info["bot_token"]))
    async with EmulatorControlClient(emulator.base_url) as control:
        try:
            while not bot.is_ready():  # its guilds received, as a member would find it
                if running.done():
                    running.result()
                await asyncio.sleep(0.05)
            return await _big_poll_steps(control, bot, url, ids, guild, voters, options)
        finally:
            await bot.close()
            await asyncio.gather(running, return_exceptions=True)
            await bot.db.dispose()


async def _big_poll_steps(  # noqa: PLR0917 (one caller, every argument named there)
    control: EmulatorControlClient,
    bot: Any,
    url: str,
    ids: dict[str, str],
    guild: dict[str, Any],
    voters: int,
    options: int,
) -> dict[str, float]:
    start = datetime.now(UTC) + timedelta(days=7)
    times = "; ".join(f"{start + timedelta(hours=3 * n):%Y-%m-%d %H:00}" for n in range(options))
    answer = await control.slash_command(
        ids["guild"], ids["channel"], ids["organizer"], "meetup poll", {"title": "Big poll", "options": times},
        wait="final", timeout=30,
    )  # fmt: skip
    posted = re.match(r"Poll #(\d+) is posted: \S+/(\d+)", answer.get("content") or "")
    if posted is None:
        raise RuntimeError(f"the bot did not create the poll: {answer}")
    poll_id, message_id = int(posted.group(1)), posted.group(2)
    members = [int(guild["members"][f"member{i:05d}"]) for i in range(voters)]
    votes = await fill_votes(url, poll_id, members[1:], random.Random(3))  # the first member votes below
    message = next(m for m in await control.channel_messages(ids["channel"]) if m["id"] == message_id)
    components = [c for row in message["components"] for c in row["components"]]
    menu = next(c for c in components if c["type"] == 3)
    results_button = next(c for c in components if c.get("label") == "Results")
    figures: dict[str, float] = {"votes": votes}
    async with LoopLagProbe() as whole:
        async with LoopLagProbe() as lag:
            edits = (await control.message_edits(message_id))["edit_count"]
            began = time.perf_counter()
            vote = await control.select(
                ids["channel"], message_id, menu["custom_id"], [menu["options"][0]["value"]], members[0], wait="final"
            )
            while (await control.message_edits(message_id))["edit_count"] == edits:  # noqa: ASYNC110 (another process)
                await asyncio.sleep(0.02)
            figures["redraw_e2e_ms"] = (time.perf_counter() - began) * 1000
        figures["redraw_lag_ms"] = lag.worst_ms
        assert (vote.get("content") or "").startswith("Your choices"), vote
        async with LoopLagProbe() as lag:
            began = time.perf_counter()
            shown = await control.click_button(
                ids["channel"], message_id, results_button["custom_id"], members[1], wait="final", timeout=30
            )
            figures["results_e2e_ms"] = (time.perf_counter() - began) * 1000
        figures["results_lag_ms"] = lag.worst_ms
        if not (shown.get("content") or "").startswith(f"{voters} voters' choices"):
            raise RuntimeError(f"Results did not answer with every voter: {shown.get('content')!r}")
        async with LoopLagProbe() as lag:
            began = time.perf_counter()
            await control.slash_command(
                ids["guild"],
                ids["channel"],
                ids["organizer"],
                "meetup poll-close",
                {"poll": poll_id},
                wait="final",
                timeout=30,
            )
            figures["close_e2e_ms"] = (time.perf_counter() - began) * 1000
        figures["close_lag_ms"] = lag.worst_ms
    figures["worst_lag_ms"] = whole.worst_ms
    return figures


async def main(voter_counts: list[int], options: int, runs: int, database_url: str | None, skip_bot: bool) -> None:
    database = "PostgreSQL" if database_url else "SQLite"
    print(f"Poll rendering, {options} options; {machine()}")
    rendered = {}
    for voters in voter_counts:
        rendered[voters] = render_figures(voters, options, runs)
        shown = ", ".join(f"{key} {value:.0f} ms" for key, value in rendered[voters].items())
        print(f"  {voters:,} voters, render time (median of {runs}): {shown}", flush=True)
    largest = max(voter_counts)
    bot_runs: list[dict[str, float]] = []
    if not skip_bot:
        async with emulator_process("crowd", "--members", str(largest)) as emulator:
            for _ in range(max(1, runs // 2)):
                async with fresh_database(database_url) as url:
                    bot_runs.append(await through_the_bot(emulator, url, largest, options))
                print(
                    f"  through the bot, {database}: " + ", ".join(f"{k} {v:.0f}" for k, v in bot_runs[-1].items()),
                    flush=True,
                )
    figures: dict[str, float] = {}
    for voters, values in rendered.items():
        figures.update({f"{key}_{voters}_ms": value for key, value in values.items()})
    for key in (
        "redraw_e2e_ms",
        "results_e2e_ms",
        "close_e2e_ms",
        "redraw_lag_ms",
        "results_lag_ms",
        "close_lag_ms",
        "worst_lag_ms",
    ):
        if bot_runs:
            figures[key] = median([r[key] for r in bot_runs])
    print_figures("poll_rendering", database_url, **figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--options", type=int, default=25)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--skip-bot", action="store_true", help="only the render times, in this process")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.voters, arguments.options, arguments.runs, arguments.database_url, arguments.skip_bot))
