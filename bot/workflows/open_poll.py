"""/meetup poll: a new time poll, committed and then posted with its deadline's timer; taken back
(nothing left, no reminder) if Discord refuses the post. A poll for a gathering then invites the
members of its roll call there on at least one of its days (a DM to those who asked for DMs);
an invitation that fails after the post only lowers the count the organizer is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.db.models import Gathering, Poll
from bot.publishing.invitations import Invited, invite
from bot.rendering.poll_invitations import gathering_poll_dm, gathering_poll_invitation
from bot.rendering.time_format import message_link
from bot.services import polls
from bot.services.announcements import Announcement, keep_announcement
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import Actor
from bot.services.poll_presence import poll_audience, require_no_ping
from bot.workflows.meetup_posting import publish_poll

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True, slots=True)
class GatheringReach:
    """Who of a gathering's roll call a poll for it told."""

    invited: Invited
    audience: int  # there on at least one candidate day
    away_every_day: int


@dataclass(frozen=True, slots=True)
class OpenedPoll:
    poll: Poll
    link: str
    option_times: list[datetime]
    reach: GatheringReach | None = None


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
    gathering_id: int | None = None,
) -> OpenedPoll:
    """The poll as posted; raises `PostRefused` (nothing left behind) when Discord refuses its message."""
    require_no_ping(gathering_id, pinged=announcement is not None)
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
                gathering_id=gathering_id,
            )
            keep_announcement(created, announcement)
            option_times = [o.starts_at for o in await polls.poll_options(session, created.id)]
            audience = await poll_audience(session, poll=created, option_times=option_times)
            gathering = await session.get(Gathering, gathering_id) if gathering_id is not None else None
        message = await publish_poll(runtime, created.id, announcement=announcement)
    link = message_link(guild_id, created.channel_id, message.id)
    if audience is None or gathering is None:
        return OpenedPoll(created, link, option_times)
    invited = await invite(
        runtime.db,
        runtime.discord,
        runtime.meetup_messages,
        guild_id=guild_id,
        channel_id=created.channel_id,
        user_ids=audience.invited,
        posts_for=lambda users: gathering_poll_invitation(created, gathering, users, link),
        dm_text=gathering_poll_dm(created, gathering, link),
    )
    reach = GatheringReach(invited, len(audience.invited), audience.away_every_day)
    return OpenedPoll(created, link, option_times, reach)
