"""The buttons under a meetup message. Their custom ids carry the meetup, so they work after restarts."""

from __future__ import annotations

import io
import re
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot.db.models import RsvpSource
from bot.rendering.calendar import CALENDAR_INTRO, ics_filename, render_calendar_reply, render_ics
from bot.rendering.components import CALENDAR_PREFIX, RSVP_PREFIX, calendar_button, rsvp_button
from bot.rendering.limits import MESSAGE_CONTENT
from bot.rendering.rsvp_replies import render_rsvp_reply
from bot.rendering.series_calendar import render_series_ics, series_calendar_note, series_ics_filename
from bot.rendering.time_format import message_link
from bot.runtime import runtime_of
from bot.services.meetup_lookup import get_meetup
from bot.services.recurring_management import series_for_calendar
from bot.services.rsvps import Answer, AnswerRequest
from bot.ui.replies import PrivateReply, reply_privately


def _guild_id(interaction: discord.Interaction) -> int:
    return interaction.guild_id or 0


class RsvpButton(DynamicItem[Button[Any]], template=rf"{RSVP_PREFIX}:(?P<id>\d+):(?P<answer>going|maybe|declined)"):
    def __init__(self, meetup_id: int, answer: Answer, *, disabled: bool = False) -> None:
        super().__init__(rsvp_button(meetup_id, answer, disabled=disabled))
        self.meetup_id = meetup_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(int(match["id"]), Answer(match["answer"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> str:
            outcome = await runtime.answers.submit_answer(
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
            runtime.meetup_messages.after_rsvp(outcome)
            return render_rsvp_reply(outcome)

        await reply_privately(interaction, work)


class CalendarButton(DynamicItem[Button[Any]], template=rf"{CALENDAR_PREFIX}:(?P<id>\d+)"):
    def __init__(self, meetup_id: int, *, disabled: bool = False) -> None:
        super().__init__(calendar_button(meetup_id, disabled=disabled))
        self.meetup_id = meetup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CalendarButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> PrivateReply:
            async with runtime.db.reading() as session:
                meetup = await get_meetup(session, guild_id=_guild_id(interaction), meetup_id=self.meetup_id)
                repeating = await series_for_calendar(session, meetup)
            link = message_link(meetup.guild_id, meetup.channel_id, meetup.message_id) if meetup.message_id else None
            now = discord.utils.utcnow()
            content = render_calendar_reply(meetup, link=link)
            files = [discord.File(io.BytesIO(render_ics(meetup, link=link, now=now)), filename=ics_filename(meetup))]
            if repeating is not None:
                # This meetup or the whole series: both files, so that one click offers either.
                series, rule = repeating
                note = series_calendar_note(series, rule)
                # A Google link as long as a message allows leaves no room for the note: the files do it all.
                content = (content if len(content) + len(note) <= MESSAGE_CONTENT else CALENDAR_INTRO) + note
                ics = render_series_ics(series, rule, link=link, now=now)
                files.append(discord.File(io.BytesIO(ics), filename=series_ics_filename(series)))
            return PrivateReply(content=content, files=files)

        await reply_privately(interaction, work)
