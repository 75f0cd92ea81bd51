"""/meetup poll, /meetup finalize and /meetup poll-close."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.publishing.scheduled_events import mirror_meetup
from bot.rendering.limits import AUTOCOMPLETE_CHOICE_NAME, shorten
from bot.rendering.notices import with_mentions
from bot.rendering.poll_confirmation import render_poll_posted
from bot.rendering.poll_embed import carried_over, option_label
from bot.rendering.time_format import date_reading_note, full_and_relative, message_link
from bot.scheduling.poll_closing import schedule_poll_close, unschedule_poll_close
from bot.services import polls
from bot.services.errors import DomainError
from bot.services.meetup_input import MeetupInput
from bot.services.meetup_lookup import get_meetup
from bot.services.poll_finalize import finalize_poll
from bot.services.poll_input import split_options
from bot.services.poll_tallies import poll_summary
from bot.ui.undo_button import undo_view
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel, visible_channel_ids
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import asked_by_organizer, timezone_autocomplete


async def open_poll_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    return await _poll_choices(interaction, current, open_only=True)


async def unfinalized_poll_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await _poll_choices(interaction, current, open_only=False)


async def _poll_choices(
    interaction: discord.Interaction, current: str, *, open_only: bool
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    async with bot_of(interaction).db.reading() as session:
        if not await asked_by_organizer(interaction, session):
            return []
        found = await polls.search_polls(
            session,
            guild_id=interaction.guild_id,
            text=current,
            open_only=open_only,
            visible_channel_ids=visible_channel_ids(interaction),
        )
    return [
        app_commands.Choice(name=shorten(f"#{p.id} {p.title}", AUTOCOMPLETE_CHOICE_NAME), value=p.id) for p in found
    ]


async def poll_option_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    poll_id = getattr(interaction.namespace, "poll", None)
    if interaction.guild_id is None or not isinstance(poll_id, int):
        return []
    async with bot_of(interaction).db.reading() as session:
        if not await asked_by_organizer(interaction, session):
            return []
        try:
            poll = await polls.get_poll(session, guild_id=interaction.guild_id, poll_id=poll_id)
        except DomainError:
            return []
        if poll.channel_id not in visible_channel_ids(interaction):
            return []
        summary = await poll_summary(session, poll)  # counts only: a keystroke must not read every vote
    choices = []
    for tally in summary.options:
        label = f"{option_label(tally.option, poll.timezone)} · {tally.yes} works, {tally.if_need_be} if need be"
        if current.strip() in label:
            choices.append(
                app_commands.Choice(name=shorten(label, AUTOCOMPLETE_CHOICE_NAME), value=tally.option.position + 1)
            )
    return choices[:25]


@app_commands.command(name="poll", description="Ask members which of several times works for them")
@app_commands.describe(
    title="What the meetup is",
    options="2 to 25 start times separated by ; or new lines, e.g. Oct 30 19:00; Oct 31 12:30",
    timezone="Time zone the options are read in (default: the server's)",
    closes="When voting ends: in 24h, Dec 4 18:00 ... (before the earliest option)",
    where="Where it happens",
    description="More about it",
    capacity="Seats of the meetup it becomes (1 to 10,000)",
    duration="How long the meetup lasts: 2h, 90m (default 2h)",
    channel="Where to post the poll (default: here)",
)
@app_commands.autocomplete(timezone=timezone_autocomplete)
async def poll(
    interaction: discord.Interaction,
    title: str,
    options: str,
    timezone: str | None = None,
    closes: str | None = None,
    where: str | None = None,
    description: str | None = None,
    capacity: int | None = None,
    duration: str | None = None,
    channel: MessageableChannel | None = None,
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild_id = guild_id_of(interaction)
    destination = target_channel(interaction, channel, what="poll")
    async with bot.db.transaction() as session:
        created = await polls.create_poll(
            session,
            guild_id=guild_id,
            channel_id=destination.id,
            actor=actor_of(interaction),
            typed=MeetupInput(
                title=title,
                timezone=timezone,
                where=where,
                description=description,
                capacity=capacity,
                duration=duration,
                locale=guild_locale_of(interaction),
            ),
            options_text=options,
            closes_text=closes,
            default_timezone=bot.settings.default_timezone,
            now=discord.utils.utcnow(),
        )
        option_times = [o.starts_at for o in await polls.poll_options(session, created.id)]
    try:
        message = await bot.poll_messages.post(created.id)
    except discord.HTTPException as exc:
        async with bot.db.transaction() as session:
            await polls.discard_unposted_poll(session, poll_id=created.id)
        raise DomainError(f"Discord refused the poll message in {destination.mention} ({exc.text}).") from exc
    if created.closes_at is not None:
        schedule_poll_close(bot, guild_id, created.id, created.closes_at)
    bot.reminder_timers.refresh()
    confirmation = render_poll_posted(
        poll_id=created.id,
        link=message_link(guild_id, destination.id, message.id),
        zone=created.timezone,
        option_times=option_times,
        closes_at=created.closes_at,
    )
    confirmation += date_reading_note(zip(split_options(options), option_times, strict=False), created.timezone)
    await finish(interaction, confirmation, view=undo_view("poll", created.id))


@app_commands.command(name="finalize", description="Make a poll's best (or chosen) time a meetup")
@app_commands.describe(
    poll="The poll's number (#3), or start typing its title", option="The option to pick (default: the best)"
)
@app_commands.autocomplete(poll=unfinalized_poll_autocomplete, option=poll_option_autocomplete)
async def finalize(interaction: discord.Interaction, poll: int, option: int | None = None) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild_id = guild_id_of(interaction)
    async with bot.db.transaction() as session:
        done = await finalize_poll(
            session,
            guild_id=guild_id,
            poll_id=poll,
            actor=actor_of(interaction),
            option_number=option,
            now=discord.utils.utcnow(),
        )
    unschedule_poll_close(bot, poll)
    bot.reminder_timers.refresh()
    await bot.meetup_messages.post(done.meetup.id)
    await bot.poll_messages.redraw(poll)
    async with bot.db.reading() as session:
        meetup = await get_meetup(session, guild_id=guild_id, meetup_id=done.meetup.id)
    link = link_to(meetup)
    if done.notify_user_ids:  # the meetup message itself is the news when nobody chose the time
        header = (
            f"**{discord.utils.escape_markdown(meetup.title)}** is set for {full_and_relative(meetup.starts_at)}: "
            f"{link}\nYou chose this time in the poll; your answer is carried over."
        )
        await bot.meetup_messages.announce(meetup.channel_id, guild_id, with_mentions(header, done.notify_user_ids))
    await mirror_meetup(bot, meetup)
    await finish(interaction, f"Poll #{poll} is now meetup #{meetup.id}: {link}\n{carried_over(done)}")


@app_commands.command(name="poll-close", description="Stop a poll's voting without creating a meetup")
@app_commands.describe(poll="The poll's number (#3), or start typing its title")
@app_commands.autocomplete(poll=open_poll_autocomplete)
async def poll_close(interaction: discord.Interaction, poll: int) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with bot.db.transaction() as session:
        _, closed_now = await polls.close_poll(
            session,
            guild_id=guild_id_of(interaction),
            poll_id=poll,
            actor=actor_of(interaction),
            now=discord.utils.utcnow(),
        )
    if not closed_now:
        await finish(interaction, f"Poll #{poll} is already closed.")
        return
    unschedule_poll_close(bot, poll)
    bot.reminder_timers.refresh()
    await bot.poll_messages.announce_closed(poll)
    await finish(interaction, f"Poll #{poll} is closed; its results stay visible.")


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, poll, finalize, poll_close)
