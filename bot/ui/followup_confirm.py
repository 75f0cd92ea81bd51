"""The buttons under the organizer's private `/meetup followup` confirmation: create, poll, cancel.

Their custom ids name the stored plan (`bot/services/followup_plans.py`), so they work after a
restart. The confirmation is edited to say what was done, without its buttons; a click that
finds the plan settled or expired (a second click, an old copy) removes them too and is told so.
When Discord refuses the post, the buttons stay for a retry and the organizer is told what to fix.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Protocol, cast

import discord
from discord.ui import Button, DynamicItem

from bot.command_tree import RESTARTING
from bot.db.models import FollowupPlan
from bot.interaction_errors import report_interaction_error, send_ephemeral
from bot.rendering.components import FOLLOWUP_PREFIX, FollowupChoice, followup_button
from bot.runtime import Runtime, runtime_of
from bot.services import followup_plans
from bot.services.announcements import require_may_announce
from bot.services.followup_plans import PlanClosed
from bot.services.organizers import Actor
from bot.ui.actors import MessageableChannel, actor_of, rights_in, server_roles
from bot.workflows.followup_poll import open_followup_poll
from bot.workflows.followup_session import open_followup_session

CANCELLED = "Cancelled: nothing was created or posted."


class Settle(Protocol):
    """A use case that settles the plan one way, and the organizer's answer."""

    def __call__(
        self, runtime: Runtime, *, guild_id: int, plan_id: int, actor: Actor, now: datetime
    ) -> Awaitable[str]: ...


async def _cancel(runtime: Runtime, *, guild_id: int, plan_id: int, actor: Actor, now: datetime) -> str:
    async with runtime.db.transaction() as session:
        await followup_plans.cancel_plan(session, guild_id=guild_id, plan_id=plan_id, user_id=actor.user_id, now=now)
    return CANCELLED


_SETTLE: dict[str, Settle] = {"create": open_followup_session, "poll": open_followup_poll, "cancel": _cancel}


class FollowupConfirmButton(
    DynamicItem[Button[Any]], template=rf"{FOLLOWUP_PREFIX}:(?P<id>\d+):(?P<choice>create|poll|cancel)"
):
    def __init__(self, plan_id: int, choice: FollowupChoice) -> None:
        super().__init__(followup_button(plan_id, choice))
        self.plan_id = plan_id
        self.choice: FollowupChoice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FollowupConfirmButton:
        return cls(int(match["id"]), cast(FollowupChoice, match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        if runtime.in_flight.draining:  # shutting down: the plan stays open for a click after the restart
            await interaction.response.send_message(RESTARTING, ephemeral=True)
            return
        # Posting and inviting can take longer than Discord's 3 seconds; the confirmation itself
        # is then edited to say what was done.
        await interaction.response.defer()
        try:
            if self.choice != "cancel":
                await _check_ping(interaction, runtime, self.plan_id)
            with runtime.in_flight.holding():
                text = await _SETTLE[self.choice](
                    runtime,
                    guild_id=interaction.guild_id or 0,
                    plan_id=self.plan_id,
                    actor=actor_of(interaction),
                    now=discord.utils.utcnow(),
                )
        except PlanClosed as closed:
            # Whatever was done stays on the confirmation; its buttons have nothing left to do.
            await send_ephemeral(interaction, closed.user_message)
            await _without_buttons(interaction)
            return
        except Exception as error:
            await report_interaction_error(interaction, error)
            return
        try:
            await interaction.edit_original_response(content=text, view=None)
        except discord.HTTPException:  # the private message is gone: the answer comes on its own
            await send_ephemeral(interaction, text)


async def _check_ping(interaction: discord.Interaction, runtime: Runtime, plan_id: int) -> None:
    """The ping was checked when `/meetup followup` ran; the organizer's or the bot's rights in the
    channel may have changed before the click, and Discord's rule holds at the post."""
    async with runtime.db.reading() as session:
        plan = await session.get(FollowupPlan, plan_id)
    if plan is None or not followup_plans.is_open(plan, now=discord.utils.utcnow()):
        return  # settling it says why it can't be
    announcement = followup_plans.announcement_of(plan)
    guild = interaction.guild
    channel = guild.get_channel_or_thread(plan.channel_id) if guild is not None and plan is not None else None
    if announcement is None or not isinstance(channel, MessageableChannel):
        return
    require_may_announce(
        announcement, rights=rights_in(interaction, channel), roles=server_roles(interaction), what="follow-up"
    )


async def _without_buttons(interaction: discord.Interaction) -> None:
    # The private message may be gone; the answer before said why.
    with contextlib.suppress(discord.HTTPException):
        await interaction.edit_original_response(view=None)
