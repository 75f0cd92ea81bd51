"""The buttons under a meetup message. Their custom ids carry the meetup, so they work after restarts."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import Button, DynamicItem

from bot.db.models import RsvpSource
from bot.rendering.calendar import ics_filename, render_calendar_reply, render_ics
from bot.rendering.rsvp_replies import render_rsvp_reply
from bot.rendering.time_format import message_link
from bot.services.attendance import Phase
from bot.services.meetup_lookup import get_meetup
from bot.services.rsvps import Answer, AnswerRequest
from bot.ui.check_in import CheckInButton
from bot.ui.replies import PrivateReply, reply_privately

if TYPE_CHECKING:
    from bot.client import MeetupBot

RSVP_PREFIX = "meetup:rsvp"
CALENDAR_PREFIX = "meetup:ics"

_LABELS = {Answer.GOING: "Going", Answer.MAYBE: "Maybe", Answer.DECLINED: "Can't go"}
_STYLES = {
    Answer.GOING: discord.ButtonStyle.success,
    Answer.MAYBE: discord.ButtonStyle.secondary,
    Answer.DECLINED: discord.ButtonStyle.danger,
}
_EMOJIS = {Answer.GOING: "✅", Answer.MAYBE: "🤔", Answer.DECLINED: "❌"}
REACTION_ANSWERS = {emoji: answer for answer, emoji in _EMOJIS.items()}


def _bot(interaction: discord.Interaction) -> MeetupBot:
    return cast("MeetupBot", interaction.client)


def _guild_id(interaction: discord.Interaction) -> int:
    return interaction.guild_id or 0


class RsvpButton(DynamicItem[Button[Any]], template=rf"{RSVP_PREFIX}:(?P<id>\d+):(?P<answer>going|maybe|declined)"):
    def __init__(self, meetup_id: int, answer: Answer, *, disabled: bool = False) -> None:
        super().__init__(
            Button(
                label=_LABELS[answer],
                style=_STYLES[answer],
                emoji=_EMOJIS[answer],
                custom_id=f"{RSVP_PREFIX}:{meetup_id}:{answer.value}",
                disabled=disabled,
            )
        )
        self.meetup_id = meetup_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(int(match["id"]), Answer(match["answer"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)

        async def work() -> str:
            outcome = await bot.answers.submit_answer(
                guild_id=_guild_id(interaction),
                meetup_id=self.meetup_id,
                request=AnswerRequest(
                    interaction.user.id,
                    self.answer,
                    RsvpSource.BUTTON,
                    toggle=True,
                    member_name=interaction.user.display_name,
                ),
                now=discord.utils.utcnow(),
            )
            bot.meetup_messages.after_rsvp(outcome)
            return render_rsvp_reply(outcome)

        await reply_privately(interaction, work)


class CalendarButton(DynamicItem[Button[Any]], template=rf"{CALENDAR_PREFIX}:(?P<id>\d+)"):
    def __init__(self, meetup_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            Button(
                label="Add to calendar",
                style=discord.ButtonStyle.primary,
                emoji="📅",
                custom_id=f"{CALENDAR_PREFIX}:{meetup_id}",
                disabled=disabled,
            )
        )
        self.meetup_id = meetup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CalendarButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)

        async def work() -> PrivateReply:
            async with bot.db.reading() as session:
                meetup = await get_meetup(session, guild_id=_guild_id(interaction), meetup_id=self.meetup_id)
            link = message_link(meetup.guild_id, meetup.channel_id, meetup.message_id) if meetup.message_id else None
            ics = render_ics(meetup, link=link, now=discord.utils.utcnow())
            return PrivateReply(
                content=render_calendar_reply(meetup, link=link),
                files=[discord.File(io.BytesIO(ics), filename=ics_filename(meetup))],
            )

        await reply_privately(interaction, work)


def meetup_view(meetup_id: int, *, phase: Phase, cancelled: bool = False) -> discord.ui.View:
    """The row of buttons for where the meetup is: answers and the calendar until the end, "I'm
    here" from half an hour before the start until two hours after the end; a cancelled meetup's
    buttons are all disabled."""
    view = discord.ui.View(timeout=None)
    ahead = not cancelled and phase in (Phase.UPCOMING, Phase.CHECK_IN)
    for answer in Answer:
        view.add_item(RsvpButton(meetup_id, answer, disabled=not ahead))
    view.add_item(CalendarButton(meetup_id, disabled=not ahead))
    if not cancelled and phase != Phase.UPCOMING:
        view.add_item(CheckInButton(meetup_id, disabled=phase == Phase.CLOSED))
    # Dispatch goes through the dynamic items' templates; a stopped view is not also kept in
    # discord.py's per-message store, which would grow with every meetup ever posted.
    view.stop()
    return view
