"""/meetup edit and /meetup cancel."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.publishing.scheduled_events import cancel_mirror, mirror_meetup
from bot.rendering.notices import cancellation_notice, promotion_notice, time_change_notice
from bot.rendering.time_format import full_and_relative
from bot.services import meetups
from bot.services.meetup_input import MeetupInput
from cogs._context import actor_of, finish, guild_id_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import timezone_autocomplete, upcoming_meetup_autocomplete

MESSAGE_GONE = (
    "Its message (or channel) was deleted, so members don't see it there any more and were not notified; "
    "post a new meetup with `/meetup create` if they should."
)

_FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "location": "place",
    "starts_at": "time",
    "ends_at": "end",
    "capacity": "capacity",
    "timezone": "time zone",
    "reminders": "reminders",
}


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
)
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
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    typed = MeetupInput(title, when, timezone, where, description, capacity, duration, reminders, remind_maybe)
    async with bot.db.transaction() as session:
        change = await meetups.edit_meetup(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=meetup,
            actor=actor_of(interaction),
            typed=typed,
            default_timezone=bot.settings.default_timezone,
            now=discord.utils.utcnow(),
        )
    edited = change.meetup
    bot.reminder_timers.refresh()
    if not change.changed_fields:
        await finish(interaction, f"Nothing to change in meetup #{edited.id}.")
        return
    shown = await bot.meetup_messages.redraw(edited.id)
    link = link_to(edited)
    posts = [promotion_notice(edited, uid, link) for uid in change.promoted_user_ids]
    if change.time_changed:
        posts += time_change_notice(edited, change.notify_user_ids, link)
    if shown:
        await bot.meetup_messages.announce(edited.channel_id, edited.guild_id, posts)
    await mirror_meetup(bot, edited)
    changed = ", ".join(
        _FIELD_NAMES.get(f, f)
        for f in change.changed_fields
        if f != "ends_at" or "starts_at" not in change.changed_fields
    )
    summary = f"Meetup #{edited.id} updated ({changed}). It starts {full_and_relative(edited.starts_at)}."
    if change.time_changed:
        summary += f" {len(change.notify_user_ids)} members going or maybe were told of the new time."
    if change.promoted_user_ids:
        summary += f" {len(change.promoted_user_ids)} members moved from the waitlist to going."
    if not shown:
        summary += f" {MESSAGE_GONE}"
    await finish(interaction, summary)


@app_commands.command(name="cancel", description="Cancel a meetup and tell everyone who answered")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title", reason="Why (shown to members)")
@app_commands.autocomplete(meetup=upcoming_meetup_autocomplete)
async def cancel(interaction: discord.Interaction, meetup: int, reason: str | None = None) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with bot.db.transaction() as session:
        cancellation = await meetups.cancel_meetup(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=meetup,
            actor=actor_of(interaction),
            reason=reason,
            now=discord.utils.utcnow(),
        )
    cancelled = cancellation.meetup
    bot.reminder_timers.refresh()
    shown = await bot.meetup_messages.redraw(cancelled.id)
    if shown:
        notice = cancellation_notice(cancelled, cancellation.notify_user_ids, link_to(cancelled))
        await bot.meetup_messages.announce(cancelled.channel_id, cancelled.guild_id, notice)
    await cancel_mirror(bot, cancelled)
    told = MESSAGE_GONE if not shown else f"{len(cancellation.notify_user_ids)} members who answered were told."
    await finish(interaction, f"Meetup #{cancelled.id} is cancelled; {told}")


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, edit, cancel)
