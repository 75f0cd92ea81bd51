"""/meetup poll, /meetup finalize and /meetup poll-close."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.models import Gathering
from bot.publishing.meetup_messages import link_to
from bot.rendering.components import undo_view
from bot.rendering.limits import AUTOCOMPLETE_CHOICE_NAME, shorten
from bot.rendering.poll_confirmation import render_poll_posted
from bot.rendering.poll_embed import option_label, present_note
from bot.rendering.poll_invitations import render_gathering_reach
from bot.rendering.poll_outcomes import render_finalized, render_not_closed, render_poll_closed
from bot.rendering.series_texts import render_repeat_confirmation
from bot.rendering.time_format import date_reading_note
from bot.services import polls
from bot.services.errors import DomainError
from bot.services.gatherings import GatheringNotFound, open_gatherings
from bot.services.meetup_input import MeetupInput
from bot.services.poll_input import split_options
from bot.services.poll_presence import require_no_ping
from bot.services.poll_tallies import poll_summary
from bot.services.record_numbers import is_record_number
from bot.services.recurring_series import RepeatRequest
from bot.workflows.close_poll import close_poll
from bot.workflows.finalize_poll import finalize_poll
from bot.workflows.open_poll import open_poll
from cogs._announce import PING_DESCRIPTION, check_announcement, read_announcement
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel, visible_channel_ids
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import asked_by_organizer, timezone_autocomplete
from cogs._repeat_options import REPEAT_DESCRIPTIONS, REPEAT_KINDS


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


async def gathering_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    """The server's gatherings not over yet, for organizers, in channels the asker can view."""
    if interaction.guild_id is None:
        return []
    async with bot_of(interaction).db.reading() as session:
        if not await asked_by_organizer(interaction, session):
            return []
        found = await open_gatherings(session, guild_id=interaction.guild_id, now=discord.utils.utcnow())
    visible = visible_channel_ids(interaction)
    needle = current.strip().lstrip("#").casefold()
    choices = []
    for gathering in found:
        label = f"#{gathering.id} {gathering.title} ({gathering_dates(gathering)})"
        if gathering.channel_id in visible and (not needle or needle in label.casefold()):
            choices.append(app_commands.Choice(name=shorten(label, AUTOCOMPLETE_CHOICE_NAME), value=gathering.id))
    return choices[:25]


async def require_visible_gathering(interaction: discord.Interaction, gathering_id: int) -> None:
    """A gathering whose roll call the organizer cannot see is not theirs to poll: its members and
    counts would show wherever the poll is posted. Refused as if it did not exist."""
    async with bot_of(interaction).db.reading() as session:
        found = await session.get(Gathering, gathering_id) if is_record_number(gathering_id) else None
    if (
        found is None
        or found.guild_id != interaction.guild_id
        or found.channel_id not in visible_channel_ids(interaction)
    ):
        raise GatheringNotFound(gathering_id)


def gathering_dates(gathering: Gathering) -> str:
    first, last = gathering.starts_on, gathering.ends_on
    return f"{first:%a %-d %b}" if first == last else f"{first:%a %-d %b} – {last:%a %-d %b %Y}"


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
        label += present_note(tally.present)
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
    ping=PING_DESCRIPTION,
    gathering="For a gathering's members: its times count and invite those there that day",
)
@app_commands.autocomplete(timezone=timezone_autocomplete)
@app_commands.autocomplete(gathering=gathering_autocomplete)
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
    ping: str | None = None,
    gathering: int | None = None,
) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild_id = guild_id_of(interaction)
    destination = target_channel(interaction, channel, what="poll")
    require_no_ping(gathering, pinged=bool(ping and ping.strip().lower() not in ("", "none")))
    if gathering is not None:
        await require_visible_gathering(interaction, gathering)
    announcement = await read_announcement(interaction, ping)
    check_announcement(interaction, announcement, destination, what="poll")
    opened = await open_poll(
        runtime,
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
        now=discord.utils.utcnow(),
        announcement=announcement,
        gathering_id=gathering,
    )
    created, reach = opened.poll, opened.reach
    confirmation = render_poll_posted(
        poll_id=created.id,
        link=opened.link,
        zone=created.timezone,
        option_times=opened.option_times,
        closes_at=created.closes_at,
        reach=render_gathering_reach(
            audience=reach.audience,
            pinged=reach.invited.pinged,
            by_dm=reach.invited.by_dm,
            not_reached=reach.invited.not_reached,
            away_every_day=reach.away_every_day,
        )
        if reach is not None
        else "",
    )
    confirmation += date_reading_note(zip(split_options(options), opened.option_times, strict=False), created.timezone)
    await finish(interaction, confirmation, view=undo_view("poll", created.id))


@app_commands.command(name="finalize", description="Make a poll's best (or chosen) time a meetup")
@app_commands.describe(
    poll="The poll's number (#3), or start typing its title",
    option="The option to pick (default: the best)",
    **REPEAT_DESCRIPTIONS,
)
@app_commands.choices(repeat=REPEAT_KINDS)
@app_commands.autocomplete(poll=unfinalized_poll_autocomplete, option=poll_option_autocomplete)
async def finalize(
    interaction: discord.Interaction,
    poll: int,
    option: int | None = None,
    repeat: str | None = None,
    repeat_until: str | None = None,
    repeat_count: int | None = None,
) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    finalized = await finalize_poll(
        runtime,
        guild_id=guild_id_of(interaction),
        poll_id=poll,
        actor=actor_of(interaction),
        option_number=option,
        now=discord.utils.utcnow(),
        repeat=RepeatRequest(repeat, repeat_until, repeat_count),
        locale=guild_locale_of(interaction),
    )
    meetup = finalized.meetup
    answer = render_finalized(poll, meetup, link_to(meetup), finalized.done, finalized.delivered)
    if finalized.series_rule is not None:
        answer += f"\n{render_repeat_confirmation(finalized.series_rule)}"
    await finish(interaction, answer)


@app_commands.command(name="poll-close", description="Stop a poll's voting without creating a meetup")
@app_commands.describe(poll="The poll's number (#3), or start typing its title")
@app_commands.autocomplete(poll=open_poll_autocomplete)
async def poll_close(interaction: discord.Interaction, poll: int) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    closing = await close_poll(
        runtime,
        guild_id=guild_id_of(interaction),
        poll_id=poll,
        actor=actor_of(interaction),
        now=discord.utils.utcnow(),
    )
    if closing.shown is None:
        await finish(interaction, render_not_closed(closing.poll))
        return
    await finish(interaction, render_poll_closed(poll, closing.shown))


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, poll, finalize, poll_close)
