"""What the bot counts for Prometheus (served at /metrics when the health endpoint is on).

Module-level, in the client library's default registry: one set per process, whatever the number
of shards it runs.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
from prometheus_client import Counter, Histogram

from bot.db.models import RsvpStatus

INTERACTIONS = Counter("meetup_bot_interactions_total", "Interactions handled", ["kind"])
INTERACTION_SECONDS = Histogram(
    "meetup_bot_interaction_seconds",
    "From Discord creating an interaction to the bot acknowledging it (components) or finishing it (commands)",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0),
)
RSVPS = Counter(
    "meetup_bot_rsvps_total",
    "Answers decided, by where they left the member (going, waitlisted, ..., withdrawn)",
    ["outcome"],
)
REMINDERS = Counter("meetup_bot_reminders_total", "Reminders by what became of them", ["outcome"])
MESSAGE_EDITS = Counter("meetup_bot_message_edits_total", "Edits of meetup and poll messages sent to Discord")
EDITS_COALESCED = Counter(
    "meetup_bot_edits_coalesced_total", "Redraw requests folded into an edit already due (no edit of their own)"
)
RATE_LIMITS = Counter("meetup_bot_rate_limits_total", "429 answers from Discord")
DATABASE_ERRORS = Counter("meetup_bot_database_errors_total", "Database operations that failed")


def count_rsvp(status: RsvpStatus | None) -> None:
    RSVPS.labels(status.value if status is not None else "withdrawn").inc()


def observe_command_latency(interaction: discord.Interaction[Any]) -> None:
    """A command is done (answered, or refused with its error message): its time since Discord
    created the interaction."""
    elapsed = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    INTERACTION_SECONDS.labels("command").observe(max(elapsed, 0.0))


def rate_limit_trace() -> aiohttp.TraceConfig:
    """Counts every 429 the bot's HTTP session receives (discord.py then waits and retries)."""

    async def on_request_end(
        session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        if params.response.status == 429:
            RATE_LIMITS.inc()

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_request_end)
    return trace
