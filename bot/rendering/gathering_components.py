"""The buttons under a gathering's roll call, and the private controls a member gets on `I'm
coming`. Custom ids carry the gathering's id, so every click works after a restart."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import discord
from discord.ui import Button, Select

from bot.db.models import Gathering
from bot.rendering.components import persistent_row
from bot.services.gatherings import gathering_days

COMING_PREFIX = "gathering:coming"
WHO_PREFIX = "gathering:who"
DAYS_PREFIX = "gathering:days"
ABOUT_PREFIX = "gathering:about"
LEAVE_PREFIX = "gathering:leave"


def day_label(day: date) -> str:
    return f"{day:%a %-d %b}"


def coming_button(gathering_id: int, *, disabled: bool = False) -> Button[Any]:
    return Button(
        label="I'm coming",
        style=discord.ButtonStyle.success,
        emoji="🙋",
        custom_id=f"{COMING_PREFIX}:{gathering_id}",
        disabled=disabled,
    )


def who_button(gathering_id: int) -> Button[Any]:
    return Button(label="Who's coming", style=discord.ButtonStyle.primary, custom_id=f"{WHO_PREFIX}:{gathering_id}")


def days_select(gathering: Gathering, picked: Collection[date]) -> Select[Any]:
    days = gathering_days(gathering)
    return Select(
        placeholder="The days you are there",
        min_values=1,
        max_values=len(days),
        options=[discord.SelectOption(label=day_label(d), value=d.isoformat(), default=d in picked) for d in days],
        custom_id=f"{DAYS_PREFIX}:{gathering.id}",
    )


def about_button(gathering_id: int) -> Button[Any]:
    return Button(
        label="About me", style=discord.ButtonStyle.secondary, emoji="✏️", custom_id=f"{ABOUT_PREFIX}:{gathering_id}"
    )


def leave_button(gathering_id: int) -> Button[Any]:
    return Button(label="Not coming", style=discord.ButtonStyle.danger, custom_id=f"{LEAVE_PREFIX}:{gathering_id}")


def gathering_view(gathering_id: int, *, over: bool) -> discord.ui.View:
    """Under the roll call: `I'm coming` until the gathering is over, `Who's coming` always."""
    return persistent_row(coming_button(gathering_id, disabled=over), who_button(gathering_id))


def my_days_view(gathering: Gathering, picked: Collection[date]) -> discord.ui.View:
    """The member's own controls, answered privately on `I'm coming`: their days, their line, leaving."""
    return persistent_row(days_select(gathering, picked), about_button(gathering.id), leave_button(gathering.id))
