"""/meetup create: post a new meetup."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.publishing.scheduled_events import mirror_meetup
from bot.rendering.time_format import date_reading_note, full_and_relative
from bot.services import meetups
from bot.services.errors import DomainError
from bot.services.meetup_input import MeetupInput
from bot.services.meetup_lookup import get_meetup
from bot.services.time_parsing import ParsedTime
from bot.ui.undo_button import undo_view
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import timezone_autocomplete


@app_commands.command(name="create", description="Create a meetup and post it for members to answer")
@app_commands.describe(
    title="What the meetup is",
    when="Start time: 2026-12-05 19:00, Dec 5 7pm, tomorrow 19:00, next friday 18:30, or <t:...>",
    timezone="Time zone `when` is read in (default: the server's)",
    where="Where it happens",
    description="More about it",
    capacity="Seats (1 to 10,000); the rest go on a waitlist. Empty: no limit",
    duration="How long: 2h, 90m, 1h30m (default 2h)",
    channel="Where to post it (default: here)",
    reminders="Reminders before the start: 24h,1h,15m or none (default: the server's)",
    remind_maybe="Reminders ping Maybe members too, not only Going (default: no)",
)
@app_commands.autocomplete(timezone=timezone_autocomplete)
async def create(
    interaction: discord.Interaction,
    title: str,
    when: str,
    timezone: str | None = None,
    where: str | None = None,
    description: str | None = None,
    capacity: int | None = None,
    duration: str | None = None,
    channel: MessageableChannel | None = None,
    reminders: str | None = None,
    remind_maybe: bool | None = None,
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild_id = guild_id_of(interaction)
    destination = target_channel(interaction, channel)
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
        meetup = await meetups.create_meetup(
            session,
            guild_id=guild_id,
            channel_id=destination.id,
            actor=actor_of(interaction),
            typed=typed,
            default_timezone=bot.settings.default_timezone,
            now=discord.utils.utcnow(),
        )
    try:
        await bot.meetup_messages.post(meetup.id)
    except discord.HTTPException as exc:
        async with bot.db.transaction() as session:
            await meetups.discard_unposted(session, meetup_id=meetup.id)
        raise DomainError(f"Discord refused the meetup message in {destination.mention} ({exc.text}).") from exc
    bot.reminder_timers.refresh()
    async with bot.db.reading() as session:
        meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup.id)
    await mirror_meetup(bot, meetup)
    await finish(
        interaction,
        render_created(meetup.id, meetup.starts_at, meetup.timezone, link_to(meetup))
        + date_reading_note([(when, meetup.starts_at)], meetup.timezone),
        view=undo_view("meetup", meetup.id),
    )


def render_created(meetup_id: int, starts_at: datetime, zone: str, link: str | None) -> str:
    typed_zone = ParsedTime(starts_at, zone).readable()
    return (
        f"Meetup #{meetup_id} is posted: {link}\n"
        f"It starts {full_and_relative(starts_at)} in your time, which is {typed_zone}. "
        "If that is not the time you meant, fix it with `/meetup edit`."
    )


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, create)
