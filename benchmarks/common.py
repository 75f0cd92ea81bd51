"""What every benchmark needs: the emulator in its own process, the bot in another, the machine."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {cpus} cores{memory}, Python {platform.python_version()}, {platform.system()}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class EmulatorProcess:
    info: dict[str, Any]
    process: asyncio.subprocess.Process

    @property
    def port(self) -> int:
        return int(self.info["api_base"].split(":")[2].split("/")[0])

    @property
    def base_url(self) -> str:
        return self.info["api_base"].removesuffix("/api/v10")


@asynccontextmanager
async def emulator_process(seed: str = "demo", *extra: str) -> AsyncIterator[EmulatorProcess]:
    """`python -m tests.emulator` in its own process, as Discord would be."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.emulator",
        "--port",
        "0",
        "--seed",
        seed,
        "--json",
        *extra,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        limit=64 * 1024 * 1024,  # its one line of JSON names every member: 10,000 are over a megabyte
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    try:
        yield EmulatorProcess(json.loads(line), process)
    finally:
        process.terminate()
        await process.wait()


def bot_environment(emulator: EmulatorProcess, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
    env.update(
        {
            "DISCORD_TOKEN": emulator.info["bot_token"],
            "DISCORD_API_BASE": emulator.info["api_base"],
            "DISCORD_GATEWAY_URL": emulator.info["gateway_url"],
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "MEETUP_BOT_CONFIG": "/nonexistent.toml",
            "MEETUP_BOT_ENV_FILE": os.devnull,  # nor the developer's own .env
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(extra)
    return env


async def start_bot(env: dict[str, str], *args: str, logged: bool = False) -> asyncio.subprocess.Process:
    """The bot in its own process; `logged`: its log can be read from its stderr (`read_start_up`),
    and must then be read to the end (a full pipe would hold the bot up)."""
    # PROFILE_BOT=path runs the bot under py-spy (pip install py-spy) and writes its collapsed stacks.
    profile = os.environ.get("PROFILE_BOT")
    prefix = ["py-spy", "record", "--rate", "400", "--format", "raw", "-o", profile, "--"] if profile else []
    return await asyncio.create_subprocess_exec(
        *prefix,
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE if logged else asyncio.subprocess.DEVNULL,
    )


async def read_start_up(process: asyncio.subprocess.Process, until: Callable[[str], bool]) -> None:
    """Read the log of a bot started `logged` until `until` is true of a line."""
    assert process.stderr is not None
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=120)).decode()
        if not line:
            raise RuntimeError("the bot exited during start-up")
        if until(line):
            return


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        if os.environ.get("PROFILE_BOT"):
            process.send_signal(signal.SIGINT)  # py-spy writes its profile on Ctrl-C
        else:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=20)
        except TimeoutError:
            process.kill()
            await process.wait()


async def empty_postgres(url: str) -> None:
    """Drop everything in the scratch database's public schema."""
    from sqlalchemy import text

    from bot.db.engine import create_engine
    from bot.settings import to_async_database_url

    engine = create_engine(to_async_database_url(url))
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def print_figures(benchmark: str, database_url: str | None, **figures: float | int | bool) -> None:
    """One machine-readable line for `benchmarks.run_all`, after the figures printed for people."""
    database = "PostgreSQL" if database_url else "SQLite"
    print("FIGURES " + json.dumps({"benchmark": benchmark, "database": database, **figures}), flush=True)


@asynccontextmanager
async def fresh_database(database_url: str | None) -> AsyncIterator[str]:
    """An empty database for one run: the PostgreSQL one emptied, or a new SQLite file."""
    with tempfile.TemporaryDirectory() as data:
        if database_url:
            await empty_postgres(database_url)
        yield database_url or f"sqlite:///{data}/bench.sqlite3"
