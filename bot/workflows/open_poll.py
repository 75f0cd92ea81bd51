"""/meetup poll: a new time poll, committed and then posted with its deadline's timer; taken back
(nothing left, no reminder) if Discord refuses the post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.db.models import Poll
from bot.rendering.time_format import message_link
from bot.services import polls
from bot.services.announcements import Announcement, keep_announcement
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import Actor
from bot.workflows.meetup_posting import publish_poll

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True, slots=True)
class OpenedPoll:
    poll: Poll
    link: str
    option_times: list[datetime]


async def open_poll(
    runtime: Runtime,
    *,
    guild_id: int,
    channel_id: int,
    actor: Actor,
    typed: MeetupInput,
    options_text: str,
    closes_text: str | None,
    now: datetime,
    announcement: Announcement | None = None,
) -> OpenedPoll:
    """The poll as posted; raises `PostRefused` (nothing left behind) when Discord refuses its message."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            created = await polls.create_poll(
                session,
                guild_id=guild_id,
                channel_id=channel_id,
                actor=actor,
                typed=typed,
                options_text=options_text,
                closes_text=closes_text,
                default_timezone=runtime.settings.default_timezone,
                now=now,
            )
            keep_announcement(created, announcement)
            option_times = [o.starts_at for o in await polls.poll_options(session, created.id)]
        message = await publish_poll(runtime, created.id, announcement=announcement)
    return OpenedPoll(created, message_link(guild_id, created.channel_id, message.id), option_times)
