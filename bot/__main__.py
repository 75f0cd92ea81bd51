"""`python -m bot`: build the dependencies from the settings and run the bot until it is stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import UTC

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from pydantic import ValidationError

from bot.client import MeetupBot
from bot.db.database import Database
from bot.db.engine import create_engine
from bot.db.migrate import upgrade_to_head
from bot.held_logs import held_logs
from bot.logging_setup import configure_logging
from bot.settings import DISCORD_GATEWAY_URL, Settings, config_file_path
from bot.startup_failures import explain_login_failure, explain_setup_failure, unreachable_gateway

log = logging.getLogger("bot")

NO_TOKEN_MESSAGE = (
    "No Discord token: put DISCORD_TOKEN=<your bot token> in a .env file here or in the project folder "
    "(see config/.env.example); "
    "get the token at https://discord.com/developers/applications -> your application -> Bot -> Reset Token."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=(
            "meetup-bot: a Discord bot that organizes community meetups (RSVPs, time polls, reminders, "
            "attendance, follow-up sessions). Settings come from environment variables, a .env file "
            f"and {config_file_path()} (environment wins); see config/ for every setting."
        ),
        epilog="The database is created and migrated automatically at start.",
    )
    parser.add_argument(
        "--sync",
        action="store_true",
        help="send the slash command definitions to Discord even if they did not change",
    )
    parser.add_argument(
        "--migrate",
        action="store_true",
        help="apply database migrations and exit (the bot also does this at every start)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        print(f"Invalid settings: {problems}", file=sys.stderr)
        return 2
    token = settings.token_value()
    configure_logging(level=settings.log_level, json_lines=settings.log_format == "json", secrets=[token or ""])
    if settings.log_level != "DEBUG":  # Alembic narrates each migration; the bot says in one line what it did
        logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.migrate:
        return asyncio.run(migrate_only(settings))
    if token is None:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    return asyncio.run(run_bot(settings, token=token, force_sync=args.sync))


async def migrate_only(settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        revision = await upgrade_to_head(engine)
    except Exception as exc:
        if (failure := explain_setup_failure(exc, database_url=settings.database_url)) is None:
            raise
        log.error("%s", failure)
        return 1
    finally:
        await engine.dispose()
    log.info("Database schema at revision %s", revision)
    return 0


def build_bot(settings: Settings, *, force_sync: bool = False) -> MeetupBot:
    # The table of reminders is the record; the scheduler only wakes the bot. A job that runs late
    # must still run (misfire grace None), and a backlog of runs of one job collapses into one.
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True})
    return MeetupBot(
        settings=settings,
        database=Database.from_url(settings.database_url),
        scheduler=scheduler,
        force_sync=force_sync,
    )


async def run_bot(settings: Settings, *, token: str, force_sync: bool) -> int:
    bot = build_bot(settings, force_sync=force_sync)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _stop, bot, sig)
    try:
        async with bot:
            with held_logs() as held:  # the start's progress is written once the start succeeded
                if failure := await log_in(bot, settings, token) or await custom_gateway_failure(settings):
                    held.drop()
                    await bot.close()  # what the set-up started stops, unheard: it never served anyone
            if failure:
                log.error("%s", failure)
                return 1
            await bot.connect()
    except discord.PrivilegedIntentsRequired as exc:
        log.error("%s", explain_setup_failure(exc, database_url=settings.database_url))
        return 1
    finally:
        await bot.db.dispose()
    return 0


async def custom_gateway_failure(settings: Settings) -> str | None:
    """A gateway URL someone typed is tried before connecting: discord.py would retry a wrong one
    forever. Discord's own is not tried: its REST API just answered."""
    if settings.discord_gateway_url == DISCORD_GATEWAY_URL:
        return None
    return await unreachable_gateway(settings.discord_gateway_url)


async def log_in(bot: MeetupBot, settings: Settings, token: str) -> str | None:
    """Log in to Discord and run the set-up (database, timers, commands); what went wrong, in one
    line, or None when all went well. An unexpected error is raised with its traceback."""
    try:
        await bot.login(token)
    except Exception as exc:
        if bot.application is None:  # Discord's REST API did not let the bot in
            failure = explain_login_failure(exc, api_base=settings.discord_api_base)
        else:
            failure = explain_setup_failure(exc, database_url=settings.database_url)
        if failure is None:
            raise
        log.debug("The start failed with", exc_info=exc)  # the whole story, for LOG_LEVEL=DEBUG
        return failure
    return None


def _stop(bot: MeetupBot, sig: signal.Signals) -> None:
    log.info("Received %s; shutting down", sig.name)
    asyncio.get_running_loop().create_task(bot.close())


if __name__ == "__main__":
    sys.exit(main())
