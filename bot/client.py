"""The Bot subclass: receives its dependencies, and wires them up in `setup_hook`."""

from __future__ import annotations

import gc
import logging
import pkgutil
import time

import discord
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

import cogs
from bot.command_tree import MeetupCommandTree
from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.health import HealthServer
from bot.loop_lag import LoopLagProbe
from bot.metrics import INTERACTIONS, observe_command_latency, rate_limit_trace
from bot.publishing.outgoing import install_fitting_http, install_fitting_webhooks
from bot.runtime import build_runtime
from bot.services import command_sync
from bot.settings import Settings
from bot.ui import PERSISTENT_ITEMS
from bot.workflows.recover_unposted import schedule_recovery

log = logging.getLogger(__name__)

SHUTDOWN_QUIET = 0.5  # seconds without a new interaction before the shutdown goes on
SHUTDOWN_TIMEOUT = 15.0


def bot_intents() -> discord.Intents:
    """No privileged intent: interactions carry the member, reactions arrive as raw events.

    Message events (GUILD_MESSAGES, without the privileged message content) tell the bot at once
    when a meetup or poll message is deleted (cogs/deleted_messages.py). They cost little: with
    them, 1,000 reminders posted in a minute were late by p99 319 and 315 ms, against 264 and
    317 ms without (benchmarks.reminders, two runs each, SQLite), and the gateway never fell
    behind. An earlier "41 s behind" was the emulator answering heartbeats faster than a network
    can, which misled discord.py's latency measurement; it was not the bot."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_reactions = True
    intents.guild_messages = True
    return intents


def quiet_voice_warnings() -> None:
    """The bot never joins voice, so discord.py's start-up warnings about missing voice libraries
    would only worry whoever reads the log."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def point_at_discord(settings: Settings) -> None:
    """Send REST calls and the gateway connection where the settings say (Discord by default)."""
    discord.http.Route.BASE = settings.discord_api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def extension_names() -> list[str]:
    return sorted(f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_"))


class MeetupBot(commands.AutoShardedBot):
    """Always a sharded client: one shard of one unless SHARD_COUNT says otherwise, so a process
    runs any share of Discord's shards the same way (each guild's events reach one process)."""

    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        scheduler: AsyncIOScheduler,
        force_sync: bool = False,
    ) -> None:
        point_at_discord(settings)
        quiet_voice_warnings()
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            tree_cls=MeetupCommandTree,
            help_command=None,
            # Nothing the bot posts pings anyone unless a message opts in the exact users it means.
            allowed_mentions=discord.AllowedMentions.none(),
            # A count given means the gateway URL from the settings is used as is, with no
            # GET /gateway/bot; without one a single process runs the only shard.
            shard_count=settings.shard_count or 1,
            shard_ids=settings.shard_ids or list(range(settings.shard_count or 1)),
            http_trace=rate_limit_trace(),
        )
        install_fitting_http(self)  # everything sent is fitted into Discord's limits
        self.settings = settings
        self.db = database
        self.scheduler = scheduler
        self.force_sync = force_sync
        self.started_work = False  # setup_hook ran: there is work to wind down at close
        # What cogs hand to the layers below them, instead of this client.
        self.runtime = build_runtime(settings=settings, db=database, discord_access=self, scheduler=scheduler)
        self.health = (
            HealthServer(database, self.gateway_connected, host=settings.health_host, port=settings.health_port)
            if settings.health_port
            else None
        )

    async def setup_hook(self) -> None:
        install_fitting_webhooks()  # before anything that answers interactions starts
        revision = await upgrade_to_head(self.db.engine)
        log.info("Database schema at revision %s", revision)
        for name in extension_names():
            await self.load_extension(name)
        self.add_dynamic_items(*PERSISTENT_ITEMS)
        self.scheduler.start()
        if self.health is not None:
            await self.health.start()
        async with LoopLagProbe() as lag:
            await self.runtime.poll_deadlines.start()
            await self.runtime.meetup_phases.start()
            await self.runtime.answer_cutoffs.start()
            await self.runtime.gathering_ends.start()
            pending = await self.runtime.reminder_timers.start()
            series = await self.runtime.occurrence_timers.start()
            await self.runtime.chat_timers.start()
            await self.runtime.board.start()
        schedule_recovery(self.runtime)
        log.info(
            "Reminder timers set for %d reminders due in the next minutes (event loop held at most %.0f ms)",
            pending,
            lag.worst_ms,
        )
        log.info("Occurrence timers set for %d recurring series due in the next minutes", series)
        self.started_work = True
        await self.sync_commands(force=self.force_sync)

    async def sync_commands(self, *, force: bool) -> bool:
        """Send the command definitions to Discord if they changed since the last sync."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        definitions = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = command_sync.definitions_hash([{"application": self.application_id}, *definitions])
        guild_id = guild.id if guild else None
        async with self.db.reading() as session:
            needed = force or await command_sync.sync_needed(session, guild_id=guild_id, digest=digest)
        if not needed:
            log.info("Slash commands unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        async with self.db.transaction() as session:
            await command_sync.record_sync(session, guild_id=guild_id, digest=digest)
        log.info("Synced %d slash commands %s", len(synced), f"to guild {guild_id}" if guild_id else "globally")
        return True

    def gateway_connected(self) -> bool:
        """Connected to the gateway on every shard this process runs."""
        shards = self.shards.values()
        return self.is_ready() and not self.is_closed() and bool(shards) and all(not s.is_closed() for s in shards)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        INTERACTIONS.labels(interaction.type.name).inc()
        in_flight = self.runtime.in_flight
        if not in_flight.draining:  # commands too: a shutdown waits a moment for what just arrived
            in_flight.last_started = time.monotonic()

    async def on_app_command_completion(self, interaction: discord.Interaction, command: object) -> None:
        observe_command_latency(interaction)

    async def on_ready(self) -> None:
        log.info("Connected as %s (%s) to %d servers", self.user, self.application_id, len(self.guilds))
        # The caches just built (servers, members, channels) live as long as the connection. Frozen,
        # they are left out of the garbage collector's full passes, each of which otherwise held the
        # event loop about 100 ms on a server of 10,000 members (set off by any work that allocates
        # much, such as a big poll's Results). `close` unfreezes them.
        gc.freeze()

    async def close(self) -> None:
        """Shut down without losing anything: take no new work, let the work in progress finish
        (interactions, queued answers and votes, reminder posts), send the coalesced edits, hand
        back any reminder still claimed, then disconnect. The database is closed by the caller."""
        runtime = self.runtime
        runtime.in_flight.draining = True
        gc.unfreeze()  # what on_ready froze can be collected again once this client is gone
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.health is not None:
            await self.health.stop()
        try:
            if self.started_work:
                self.started_work = False
                await self._finish_work_in_progress()
        finally:
            # Whatever failed on the way, the gateway is let go: a half-closed client would keep
            # reconnecting, and the process would not end.
            await super().close()

    async def _finish_work_in_progress(self) -> None:
        runtime = self.runtime
        log.info("Shutting down: finishing the work in progress")
        if not await runtime.in_flight.settled(quiet=SHUTDOWN_QUIET, limit=SHUTDOWN_TIMEOUT):
            log.warning("%d interactions were still in progress at shutdown", runtime.in_flight.count)
        await runtime.answers.drain()
        await runtime.votes.drain()
        await runtime.reminder_timers.drain()
        await runtime.occurrence_timers.drain()
        await runtime.chat_timers.drain()
        await runtime.meetup_messages.flush()
        await runtime.attendee_roles.stop()  # finished by the reconcile at the next start
        await runtime.threads.stop()  # likewise
        await runtime.poll_messages.coalescer.flush()
        await runtime.board.flush()
        await runtime.reminder_timers.release_claims()
        await runtime.occurrence_timers.release_claims()
        await runtime.chat_timers.release_claims()
