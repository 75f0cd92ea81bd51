"""What the bot counts for Prometheus (served at /metrics when the health endpoint is on).

Module-level, in the client library's default registry: one set per process, whatever the number
of shards it runs.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Histogram

INTERACTIONS = Counter("meetup_bot_interactions_total", "Interactions handled", ["kind"])
INTERACTION_SECONDS = Histogram(
    "meetup_bot_interaction_seconds",
    "From Discord creating an interaction to the bot acknowledging it (components) or finishing it (commands)",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0),
)
RSVPS = Counter("meetup_bot_rsvps_total", "Answers decided", ["outcome"])
REMINDERS = Counter("meetup_bot_reminders_total", "Reminders by what became of them", ["outcome"])
MESSAGE_EDITS = Counter("meetup_bot_message_edits_total", "Edits of meetup and poll messages sent to Discord")
EDITS_COALESCED = Counter(
    "meetup_bot_edits_coalesced_total", "Redraw requests folded into an edit already due (no edit of their own)"
)
RATE_LIMITS = Counter("meetup_bot_rate_limits_total", "429 answers from Discord")
DATABASE_ERRORS = Counter("meetup_bot_database_errors_total", "Database operations that failed")


class RateLimitCounter(logging.Filter):
    """discord.py retries 429s itself and says so on its `discord.http` logger; count those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "rate limited" in str(record.msg):
            RATE_LIMITS.inc()
        return True


def count_rate_limits() -> None:
    logger = logging.getLogger("discord.http")
    if not any(isinstance(f, RateLimitCounter) for f in logger.filters):
        logger.addFilter(RateLimitCounter())
