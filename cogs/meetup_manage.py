"""/meetup edit and /meetup cancel."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import delivered_within, link_to
from bot.publishing.scheduled_events import cancel_mirror, mirror_meetup
from bot.rendering.notices import cancellation_notice, promotions_notice, time_change_notice
from bot.rendering.time_format import date_reading_note, full_and_relative
from bot.services import meetups
from bot.services.meetup_input import MeetupInput
from cogs._context import actor_of, finish, guild_id_of
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import timezone_autocomplete, upcoming_meetup_autocomplete

MESSAGE_GONE = (
    "Its message (or channel) was deleted, so members don't see it there any more and were not notified; "
    "post a new meetup with `/meetup create` if they should."
)

# How long the organizer's answer waits for the notices to go out before saying they are on their
# way: a channel at Discord's rate limit (5 posts per 5 seconds) can hold a notice for seconds.
NOTICE_WAIT = 1.5
# Said when that wait ran out. discord.py also holds a post that used the last of the channel's
# allowance until the allowance renews, so the notice may in fact be out already.
ON_ITS_WAY = "The notice can take a few seconds: Discord limits how fast I may post in the channel."
REFUSED = "Discord refused the notice in the channel; check that I may post there."

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
        locale=guild_locale_of(interaction),
    )
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
    # One notice for everyone the new capacity let in, not one post each.
    posts = promotions_notice(edited, change.promoted_user_ids, link) if change.promoted_user_ids else []
    if change.time_changed:
        posts += time_change_notice(edited, change.notify_user_ids, link)
    delivered: bool | None = False
    if shown and posts:
        sending = bot.meetup_messages.announce_soon(edited.channel_id, edited.guild_id, posts)
        delivered = await delivered_within(sending, NOTICE_WAIT)
    await mirror_meetup(bot, edited)
    summary = render_edit_summary(change, shown=shown, delivered=delivered)
    await finish(interaction, summary + date_reading_note([(when, edited.starts_at)], edited.timezone))


def render_edit_summary(change: meetups.MeetupChange, *, shown: bool, delivered: bool | None) -> str:
    """The organizer's answer to an edit: it says members were told only when the notice went out."""
    edited = change.meetup
    changed = ", ".join(
        _FIELD_NAMES.get(f, f)
        for f in change.changed_fields
        if f != "ends_at" or "starts_at" not in change.changed_fields
    )
    summary = f"Meetup #{edited.id} updated ({changed}). It starts {full_and_relative(edited.starts_at)}."
    told = {True: "were told", None: "are being told", False: "could not be told"}[delivered]
    if change.promoted_user_ids:
        promoted = len(change.promoted_user_ids)
        summary += f" {promoted} members moved from the waitlist to going"
        summary += f" and {told}." if shown else " in the meetup's list."
    if change.time_changed and shown:
        summary += f" {len(change.notify_user_ids)} members going or maybe {told} of the new time."
    if not shown:
        summary += f" {MESSAGE_GONE}"
    elif change.promoted_user_ids or change.time_changed:
        summary += {True: "", None: f" {ON_ITS_WAY}", False: f" {REFUSED}"}[delivered]
    return summary


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
    delivered: bool | None = False
    if shown:
        notice = cancellation_notice(cancelled, cancellation.notify_user_ids, link_to(cancelled))
        sending = bot.meetup_messages.announce_soon(cancelled.channel_id, cancelled.guild_id, notice)
        delivered = await delivered_within(sending, NOTICE_WAIT)
    await cancel_mirror(bot, cancelled)
    count = len(cancellation.notify_user_ids)
    if not shown:
        told = MESSAGE_GONE
    elif delivered is None:
        told = f"{count} members who answered are being told. {ON_ITS_WAY}"
    elif delivered:
        told = f"{count} members who answered were told."
    else:
        told = f"the {count} members who answered could not be told. {REFUSED}"
    await finish(interaction, f"Meetup #{cancelled.id} is cancelled; {told}")


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, edit, cancel)
