"""The `repeat`, `repeat_until` and `repeat_count` options that `/meetup finalize` and `/meetup
followup` take as `/meetup create` does: one description and one list of choices for each."""

from __future__ import annotations

from discord import app_commands

from bot.services.recurrence_input import REPEAT_CHOICES

REPEAT_DESCRIPTIONS = {
    "repeat": "Repeat it: each meetup is posted when the one before it ends",
    "repeat_until": "Last date of the series (a day, like 2026-12-31); default: until stopped",
    "repeat_count": "How many meetups in all, the first included (2 to 260); default: until stopped",
}
REPEAT_KINDS = [app_commands.Choice(name=kind, value=kind) for kind in REPEAT_CHOICES]
