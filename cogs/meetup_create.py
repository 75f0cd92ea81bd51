"""/meetup create: post a new meetup."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.rendering.components import undo_view
from bot.rendering.meetup_confirmations import render_created
from bot.rendering.series_texts import render_repeat_confirmation
from bot.rendering.time_format import date_reading_note
from bot.services.meetup_input import MeetupInput
from bot.services.recurrence_input import REPEAT_CHOICES
from bot.services.recurring_series import RepeatRequest, series_rule
from bot.workflows.attendee_role import apply_attendee_role
from bot.workflows.create_meetup import create_meetup
from bot.workflows.meetup_thread import open_meetup_thread
from cogs._announce import PING_DESCRIPTION, announcing_in, read_announcement
from cogs._attendee_role import ATTENDEE_ROLE_DESCRIPTION, read_attendee_role_option
from cogs._context import MessageableChannel, actor_of, channel_picker, finish, guild_id_of
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import template_autocomplete, timezone_autocomplete
from cogs._thread_option import ON_OFF, THREAD_DESCRIPTION, read_on_off


@app_commands.command(name="create", description="Create a meetup and post it for members to answer")
@app_commands.describe(
    title="What the meetup is (default: the template's)",
    when="Start time: 2026-12-05 19:00, Dec 5 7pm, tomorrow 19:00, next friday 18:30, or <t:...>",
    timezone="Time zone `when` is read in (default: the server's)",
    where="Where it happens",
    description="More about it",
    capacity="Seats (1 to 10,000); the rest go on a waitlist. Empty: no limit",
    duration="How long: 2h, 90m, 1h30m (default 2h)",
    channel="Where to post it (default: the template's, else here)",
    reminders="Reminders before the start: 24h,1h,15m or none (default: the server's)",
    remind_maybe="Reminders ping Maybe members too, not only Going (default: no)",
    answers_close="No answers after: a time (like `when`) or an offset before the start (2h, 1d); none clears",
    guests="Guests each member may bring, 0 to 5 (default 0); members pick their party in a Guests menu",
    template="A saved template to fill in what you leave out (its channel too)",
    repeat="Repeat it: each meetup is posted when the one before it ends",
    repeat_until="Last date of the series (a day, like 2026-12-31); default: until stopped",
    repeat_count="How many meetups in all, the first included (2 to 260); default: until stopped",
    ping=PING_DESCRIPTION,
    attendee_role=ATTENDEE_ROLE_DESCRIPTION,
    thread=THREAD_DESCRIPTION,
)
@app_commands.choices(repeat=[app_commands.Choice(name=kind, value=kind) for kind in REPEAT_CHOICES], thread=ON_OFF)
@app_commands.autocomplete(timezone=timezone_autocomplete, template=template_autocomplete)
async def create(
    interaction: discord.Interaction,
    when: str,
    title: str | None = None,
    timezone: str | None = None,
    where: str | None = None,
    description: str | None = None,
    capacity: int | None = None,
    duration: str | None = None,
    channel: MessageableChannel | None = None,
    reminders: str | None = None,
    remind_maybe: bool | None = None,
    answers_close: str | None = None,
    guests: int | None = None,
    template: str | None = None,
    repeat: str | None = None,
    repeat_until: str | None = None,
    repeat_count: int | None = None,
    ping: str | None = None,
    attendee_role: str | None = None,
    thread: app_commands.Choice[str] | None = None,
) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild_id = guild_id_of(interaction)
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
    announcement = await read_announcement(interaction, ping)
    role_choice = read_attendee_role_option(interaction, attendee_role)
    meetup = await create_meetup(
        runtime,
        guild_id=guild_id,
        actor=actor_of(interaction),
        typed=typed,
        now=discord.utils.utcnow(),
        template=template,
        pick_channel=announcing_in(interaction, channel_picker(interaction, channel), announcement),
        repeat=RepeatRequest(repeat, repeat_until, repeat_count),
        announcement=announcement,
        thread_by_default=False,  # opened below with the organizer's choice, and they are told if it cannot be
        thread=read_on_off(thread),
    )
    async with runtime.db.reading() as session:
        rule = await series_rule(session, meetup)
    repeats = f"\n{render_repeat_confirmation(rule)}" if rule is not None else ""
    role_note = await apply_attendee_role(
        runtime,
        guild_id=guild_id,
        meetup_id=meetup.id,
        actor=actor_of(interaction),
        choice=role_choice,
        creating=True,
    )
    thread_note = await open_meetup_thread(runtime, guild_id=guild_id, meetup_id=meetup.id, asked=read_on_off(thread))
    await finish(
        interaction,
        render_created(meetup.id, meetup.starts_at, meetup.timezone, link_to(meetup))
        + date_reading_note([(when, meetup.starts_at)], meetup.timezone)
        + repeats
        + role_note
        + thread_note,
        view=undo_view("meetup", meetup.id),
    )


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, create)
