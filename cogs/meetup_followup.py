"""/meetup followup: a second session for the members who missed the first.

The audience is computed when the command runs and shown to the organizer with the plan, which is
stored; the organizer then confirms (create the session, open a poll for it, or cancel) with the
buttons under the private answer (`bot/ui/followup_confirm.py`), which work after a restart.
With `repeat`, the follow-up is the first meetup of a recurring series.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering.components import followup_confirm_view
from bot.rendering.followup_texts import render_followup_confirmation, render_not_planned
from bot.services import followup_plans
from bot.services.followups import AudienceKind
from bot.services.meetup_input import MeetupInput
from bot.services.recurring_series import RepeatRequest
from cogs._announce import PING_DESCRIPTION, check_announcement, read_announcement
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete
from cogs._repeat_options import REPEAT_DESCRIPTIONS, REPEAT_KINDS


@app_commands.command(name="followup", description="A follow-up session for the members who missed a meetup")
@app_commands.describe(
    meetup="The meetup to follow up: its number (#12), or start typing its title",
    when="When the follow-up starts (or give `options` for a poll, or neither for a proposal)",
    options="Candidate times for a poll among the audience, separated by ;",
    audience="missed (default): interested but did not come; declined; no-shows; all",
    title="Title (default: the first meetup's)",
    where="Place (default: the first meetup's)",
    capacity="Seats (default: the first meetup's)",
    channel="Where to post it (default: here)",
    ping=PING_DESCRIPTION,
    **REPEAT_DESCRIPTIONS,
)
@app_commands.choices(repeat=REPEAT_KINDS)
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def followup(
    interaction: discord.Interaction,
    meetup: int,
    when: str | None = None,
    options: str | None = None,
    audience: Literal["missed", "declined", "no-shows", "all"] = "missed",
    title: str | None = None,
    where: str | None = None,
    capacity: int | None = None,
    channel: MessageableChannel | None = None,
    repeat: str | None = None,
    repeat_until: str | None = None,
    repeat_count: int | None = None,
    ping: str | None = None,
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    destination = target_channel(interaction, channel, what="follow-up")
    announcement = await read_announcement(interaction, ping)
    check_announcement(interaction, announcement, destination, what="follow-up")
    async with bot.db.transaction() as session:
        planned = await followup_plans.plan_followup(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=meetup,
            actor=actor_of(interaction),
            kind=AudienceKind(audience),
            typed=MeetupInput(
                title=title, when=when, where=where, capacity=capacity, locale=guild_locale_of(interaction)
            ),
            options=options,
            channel_id=destination.id,
            now=discord.utils.utcnow(),
            repeat=RepeatRequest(repeat, repeat_until, repeat_count),
            announcement=announcement,
        )
    if planned.plan is None:
        await finish(interaction, render_not_planned(planned))
        return
    await finish(
        interaction,
        render_followup_confirmation(planned, typed_when=when),
        view=followup_confirm_view(planned.plan),
    )


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, followup)
