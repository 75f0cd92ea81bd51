"""/meetup edit, /meetup cancel and /meetup repost."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.rendering.meetup_confirmations import (
    render_cancelled,
    render_edit_summary,
    render_nothing_to_change,
    render_reposted,
)
from bot.rendering.series_texts import render_edit_scope
from bot.rendering.time_format import date_reading_note
from bot.services.meetup_input import MeetupInput
from bot.services.series_edits import EditScope
from bot.workflows.attendee_role import apply_attendee_role
from bot.workflows.cancel_meetup import cancel_meetup
from bot.workflows.edit_meetup import edit_meetup
from bot.workflows.repost_meetup import repost_meetup
from cogs._attendee_role import ATTENDEE_ROLE_DESCRIPTION, read_attendee_role_option
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import timezone_autocomplete, upcoming_meetup_autocomplete


@app_commands.command(name="edit", description="Change a meetup; its message follows")
@app_commands.describe(
    meetup="The meetup's number (#12), or start typing its title",
    title="New title",
    when="New start time",
    timezone="Time zone `when` is read in (default: the meetup's)",
    where="New place (`-` clears it)",
    description="New description (`-` clears it)",
    capacity="New number of seats; raising it moves waitlisted members in, in order",
    duration="New length: 2h, 90m, 1h30m",
    reminders="Reminders before the start: 24h,1h,15m or none",
    remind_maybe="Reminders ping Maybe members too, not only Going",
    answers_close="No answers after: a time (like `when`) or an offset before the start (2h, 1d); none clears",
    guests="Guests each member may bring, 0 to 5 (default 0); members pick their party in a Guests menu",
    scope="For a repeating meetup: this one only (default), or this and the following ones of its series",
    attendee_role=ATTENDEE_ROLE_DESCRIPTION,
)
@app_commands.choices(scope=[app_commands.Choice(name=s.value, value=s.value) for s in EditScope])
@app_commands.autocomplete(meetup=upcoming_meetup_autocomplete)
@app_commands.autocomplete(timezone=timezone_autocomplete)
async def edit(
    interaction: discord.Interaction,
    meetup: int,
    title: str | None = None,
    when: str | None = None,
    timezone: str | None = None,
    where: str | None = None,
    description: str | None = None,
    capacity: int | None = None,
    duration: str | None = None,
    reminders: str | None = None,
    remind_maybe: bool | None = None,
    answers_close: str | None = None,
    guests: int | None = None,
    scope: str = EditScope.THIS.value,
    attendee_role: str | None = None,
) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    role_choice = read_attendee_role_option(interaction, attendee_role)
    typed = MeetupInput(
        title=title,
        when=when,
        timezone=timezone,
        where=where,
        description=description,
        capacity=capacity,
        duration=duration,
        reminders=reminders,
        remind_maybe=remind_maybe,
        answers_close=answers_close,
        guests=guests,
        locale=guild_locale_of(interaction),
    )
    outcome = await edit_meetup(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=meetup,
        actor=actor_of(interaction),
        typed=typed,
        now=discord.utils.utcnow(),
        scope=EditScope(scope),
    )
    edited = outcome.change.meetup
    role_note = await apply_attendee_role(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=edited.id,
        actor=actor_of(interaction),
        choice=role_choice,
        creating=False,
    )
    if outcome.message is None:
        await finish(interaction, (role_note.strip() if role_note else render_nothing_to_change(edited.id)))
        return
    summary = render_edit_summary(outcome.change, message=outcome.message, delivered=outcome.delivered)
    reading = date_reading_note([(when, edited.starts_at)], edited.timezone)
    await finish(interaction, summary + reading + render_edit_scope(edited, outcome.series_rule) + role_note)


@app_commands.command(name="cancel", description="Cancel a meetup and tell everyone who answered")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title", reason="Why (shown to members)")
@app_commands.autocomplete(meetup=upcoming_meetup_autocomplete)
async def cancel(interaction: discord.Interaction, meetup: int, reason: str | None = None) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    outcome = await cancel_meetup(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=meetup,
        actor=actor_of(interaction),
        reason=reason,
        now=discord.utils.utcnow(),
    )
    await finish(
        interaction, render_cancelled(outcome.cancellation, message=outcome.message, delivered=outcome.delivered)
    )


@app_commands.command(name="repost", description="Post a meetup's message again after someone deleted it")
@app_commands.describe(
    meetup="The meetup's number (#12), or start typing its title",
    channel="Where to post it (default: where it was; needed when that channel was deleted)",
)
@app_commands.autocomplete(meetup=upcoming_meetup_autocomplete)
async def repost(interaction: discord.Interaction, meetup: int, channel: MessageableChannel | None = None) -> None:
    runtime = bot_of(interaction).runtime
    target = target_channel(interaction, channel).id if channel is not None else None
    await interaction.response.defer(ephemeral=True, thinking=True)
    posted = await repost_meetup(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=meetup,
        actor=actor_of(interaction),
        channel_id=target,
        now=discord.utils.utcnow(),
    )
    await finish(interaction, render_reposted(posted, link_to(posted)))


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, edit, cancel, repost)
