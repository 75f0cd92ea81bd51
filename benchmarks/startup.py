"""Start-up time: from launching `python -m bot` to its first answered slash command.

    .venv/bin/python -m benchmarks.startup [--runs 7] [--database-url postgresql://...]

The emulator runs in its own process. A PostgreSQL database given here is emptied first. The
first run creates and migrates an empty database and syncs the commands; later runs find both
done, as on a normal restart.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from benchmarks.common import (
    bot_environment,
    emulator_process,
    fresh_database,
    machine,
    median,
    print_figures,
    start_bot,
    stop_bot,
)
from tests.emulator.control_client import EmulatorControlClient, EmulatorControlError


async def first_answer_after_start(control: EmulatorControlClient, ids: dict[str, str], env: dict[str, str]) -> float:
    identified_before = (await control.stats())["identifies"]
    started = time.perf_counter()
    bot = await start_bot(env)
    try:
        while (await control.stats())["identifies"] == identified_before:  # not connected yet
            if bot.returncode is not None:
                raise RuntimeError(f"the bot exited with {bot.returncode}")
            await asyncio.sleep(0.01)
        while True:
            try:
                answer = await control.slash_command(
                    ids["guild"], ids["channel"], ids["user"], "settings show", wait="final", timeout=2
                )
                if answer.get("embeds"):
                    return time.perf_counter() - started
            except EmulatorControlError:
                pass  # the guild is not cached yet
            await asyncio.sleep(0.01)
    finally:
        await stop_bot(bot)


async def main(runs: int, database_url: str | None) -> None:
    async with emulator_process() as emulator, EmulatorControlClient(emulator.base_url) as control:
        guild = emulator.info["guilds"][0]
        ids = {"guild": guild["id"], "channel": guild["channels"]["general"], "user": guild["members"]["alice"]}
        async with fresh_database(database_url) as url:
            env = bot_environment(emulator, url)
            times = [await first_answer_after_start(control, ids, env) for _ in range(runs)]
    print(f"Start-up to first answered slash command ({'PostgreSQL' if database_url else 'SQLite'}), {machine()}")
    print(f"  first run (empty database, migrations, command sync): {times[0]:.2f} s")
    print(
        f"  restarts: median {median(times[1:]):.2f} s over {len(times) - 1} runs "
        f"(min {min(times[1:]):.2f}, max {max(times[1:]):.2f})"
    )
    print_figures("startup", database_url, first_run_s=times[0], restart_median_s=median(times[1:]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.database_url))
