"""/meetup followup: a second session for the members who missed the first.

The audience is computed when the command runs and shown to the organizer, who then confirms
(create the session, open a poll for it, or cancel) with buttons under the private answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot
from bot.publishing.invitations import invite
from bot.publishing.meetup_messages import link_to
from bot.publishing.scheduled_events import mirror_meetup
from bot.rendering.followup_texts import (
    followup_dm,
    followup_invitation,
    followup_poll_invitation,
    render_audience,
    render_no_audience,
    render_proposal,
)
from bot.rendering.notices import safe_title
from bot.rendering.time_format import date_reading_note, full_and_relative, message_link
from bot.services import followups
from bot.services.errors import DomainError, InvalidInput
from bot.services.followups import Audience, AudienceKind, Proposal
from bot.services.guild_settings import date_order_for
from bot.services.meetup_input import MeetupInput, check_start
from bot.services.meetup_lookup import get_meetup
from bot.services.poll_input import parse_options
from bot.ui.replies import reply_privately
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete

CONFIRM_MINUTES = 15


@dataclass
class FollowupPlan:
    """What the organizer asked for, held until they confirm."""

    audience: Audience
    typed: MeetupInput
    options: str | None
    channel_id: int
    default_timezone: str
    done: bool = False


class FollowupConfirm(discord.ui.View):
    def __init__(self, bot: MeetupBot, plan: FollowupPlan, organizer_id: int, proposal: Proposal | None) -> None:
        super().__init__(timeout=CONFIRM_MINUTES * 60)
        self.bot = bot
        self.plan = plan
        self.organizer_id = organizer_id
        self.proposal = proposal
        if plan.options is None:
            create = discord.ui.Button[FollowupConfirm](label="Create follow-up", style=discord.ButtonStyle.success)
            create.callback = self._create  # type: ignore[method-assign]
            self.add_item(create)
        if plan.options is not None or proposal is not None:
            label = "Open a poll" if plan.options is not None else "Poll instead"
            poll = discord.ui.Button[FollowupConfirm](label=label, style=discord.ButtonStyle.primary)
            poll.callback = self._poll  # type: ignore[method-assign]
            self.add_item(poll)
        cancel = discord.ui.Button[FollowupConfirm](label="Cancel", style=discord.ButtonStyle.secondary)
        cancel.callback = self._cancel  # type: ignore[method-assign]
        self.add_item(cancel)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.organizer_id

    def _take(self) -> None:
        """One confirmation per command: a second click is told so (the view keeps listening
        until it times out, so that the click gets an answer rather than a failed interaction)."""
        if self.plan.done:
            raise DomainError("This follow-up was already settled.")
        self.plan.done = True

    async def _create(self, interaction: discord.Interaction) -> None:
        async def work() -> str:
            self._take()
            typed = self.plan.typed
            if typed.when is None and self.proposal is not None:
                typed = _with_when(typed, f"<t:{int(self.proposal.option.starts_at.timestamp())}:F>")
            try:
                return await create_session(self.bot, interaction, self.plan, typed)
            except Exception:
                self.plan.done = False  # nothing was made: the organizer may try again
                raise

        await reply_privately(interaction, work)

    async def _poll(self, interaction: discord.Interaction) -> None:
        async def work() -> str:
            self._take()
            options = self.plan.options
            if options is None and self.proposal is not None:
                options = _proposal_options(self.proposal)
            assert options is not None
            try:
                return await open_poll(self.bot, interaction, self.plan, options)
            except Exception:
                self.plan.done = False
                raise

        await reply_privately(interaction, work)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        async def work() -> str:
            self._take()
            return "Cancelled: nothing was created or posted."

        await reply_privately(interaction, work)


def _with_when(typed: MeetupInput, when: str) -> MeetupInput:
    return MeetupInput(
        title=typed.title, when=when, where=typed.where, capacity=typed.capacity, description=typed.description
    )


def _proposal_options(proposal: Proposal) -> str:
    """The meetup's poll's other times still ahead, for a poll among the audience."""
    ahead = [o for o in proposal.candidates if o.starts_at > discord.utils.utcnow()]
    if len(ahead) < 2:
        raise InvalidInput(
            "The meetup's poll has fewer than two other times still ahead; run the command with `options`."
        )
    return "; ".join(f"<t:{int(o.starts_at.timestamp())}:F>" for o in ahead)


async def create_session(
    bot: MeetupBot, interaction: discord.Interaction, plan: FollowupPlan, typed: MeetupInput
) -> str:
    first = plan.audience.meetup
    async with bot.db.transaction() as session:
        made = await followups.create_followup(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=first.id,
            actor=actor_of(interaction),
            typed=typed,
            channel_id=plan.channel_id,
            now=discord.utils.utcnow(),
        )
    await bot.meetup_messages.post(made.id)
    bot.reminder_timers.refresh()
    async with bot.db.reading() as session:
        made = await get_meetup(session, guild_id=made.guild_id, meetup_id=made.id)
    await mirror_meetup(bot, made)
    link = link_to(made)
    invited = await invite(
        bot,
        guild_id=made.guild_id,
        channel_id=made.channel_id,
        user_ids=plan.audience.user_ids,
        posts_for=lambda users: followup_invitation(made, first, users, link, kind=plan.audience.kind),
        dm_text=followup_dm(safe_title(made), full_and_relative(made.starts_at), link),
    )
    return (
        f"Follow-up meetup #{made.id} is posted: {link}\n"
        f"It starts {full_and_relative(made.starts_at)}. Invited {len(plan.audience.user_ids)} members "
        f"({invited.pinged} pinged in the channel, {invited.by_dm} by DM)."
    )


async def open_poll(bot: MeetupBot, interaction: discord.Interaction, plan: FollowupPlan, options: str) -> str:
    first = plan.audience.meetup
    async with bot.db.transaction() as session:
        poll = await followups.create_followup_poll(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=first.id,
            actor=actor_of(interaction),
            typed=plan.typed,
            options_text=options,
            channel_id=plan.channel_id,
            default_timezone=plan.default_timezone,
            now=discord.utils.utcnow(),
        )
    message = await bot.poll_messages.post(poll.id)
    link = message_link(poll.guild_id, poll.channel_id, message.id)
    invited = await invite(
        bot,
        guild_id=poll.guild_id,
        channel_id=poll.channel_id,
        user_ids=plan.audience.user_ids,
        posts_for=lambda users: followup_poll_invitation(poll, first, users, link),
        dm_text=f"📣 A follow-up session of **{safe_title(first)}** is being planned: which times work for you? {link}",
    )
    return (
        f"Poll #{poll.id} for the follow-up is posted: {link}\n"
        f"Invited {len(plan.audience.user_ids)} members ({invited.pinged} pinged, {invited.by_dm} by DM). "
        f"Finalize it with `/meetup finalize` and the meetup joins the series."
    )


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
)
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
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    if when and options:
        raise InvalidInput("Give either `when` (create the follow-up) or `options` (poll for it), not both.")
    destination = target_channel(interaction, channel, what="follow-up")
    now = discord.utils.utcnow()
    async with bot.db.reading() as session:
        found = await followups.compute_audience(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=meetup,
            actor=actor_of(interaction),
            kind=AudienceKind(audience),
        )
        proposal = await followups.propose_time(session, found, now=now) if not when and not options else None
        locale = guild_locale_of(interaction)
        order = await date_order_for(session, guild_id=guild_id_of(interaction), locale=locale)
    if not found.user_ids:
        await finish(interaction, render_no_audience(found))
        return
    zone = found.meetup.timezone
    if when:
        start = check_start(when, zone=zone, now=now, date_order=order)
        question = f"Create the follow-up at {full_and_relative(start.instant)} ({start.readable()}) for them?"
        question += date_reading_note([(when, start.instant)], start.zone)
        text = render_audience(found, then=question)
    elif options:
        count = len(parse_options(options, zone=zone, now=now, date_order=order))
        text = render_audience(found, then=f"Open a poll with {count} times for them?")
    elif proposal is not None:
        text = render_proposal(found, proposal)
    else:
        await finish(
            interaction,
            f"Meetup #{found.meetup.id} did not come from a poll with times still ahead, so there is nothing "
            "to propose: give `when` for the follow-up, or `options` for a poll.",
        )
        return
    plan = FollowupPlan(
        audience=found,
        typed=MeetupInput(title=title, when=when, where=where, capacity=capacity, locale=locale),
        options=options,
        channel_id=destination.id,
        default_timezone=bot.settings.default_timezone,
    )
    view = FollowupConfirm(bot, plan, interaction.user.id, proposal)
    await interaction.followup.send(text, view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, followup)
