"""/meetup create: a new meetup, committed and then posted; taken back if Discord refuses the post."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup
from bot.services import meetups, recurring_series, templates
from bot.services.announcements import Announcement, keep_announcement
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import Actor
from bot.services.recurring_series import RepeatRequest
from bot.services.templates import Prefilled
from bot.workflows.meetup_posting import publish_meetup

if TYPE_CHECKING:
    from bot.runtime import Runtime

# The channel to post in, given the one a template or an earlier meetup names (None if nothing
# names one), once the organizer and the bot may both post there: the caller checks that, as it
# knows the member's rights in each channel. It raises a DomainError to refuse.
PickChannel = Callable[[int | None], int]
Prefill = Callable[[AsyncSession], Awaitable[Prefilled]]


async def create_meetup(
    runtime: Runtime,
    *,
    guild_id: int,
    channel_id: int | None = None,
    actor: Actor,
    typed: MeetupInput,
    now: datetime,
    template: str | None = None,
    pick_channel: PickChannel | None = None,
    repeat: RepeatRequest | None = None,
    announcement: Announcement | None = None,
    thread_by_default: bool = True,
    thread: bool | None = None,
) -> Meetup:
    """The meetup as posted; raises `PostRefused` (nothing left behind) when Discord refuses its message.

    With `template`, the server's template of that name fills what `typed` leaves out. It is posted
    in `channel_id`, or where `pick_channel` picks given the template's channel. With `repeat` (or
    a template that repeats: the options typed win, see `templates.with_kept_rule`), it is the first
    occurrence of a recurring series, stored with it, and the series keeps `thread` (the command's
    option) for its later meetups. `thread_by_default` False: the caller opens the meetup's thread
    itself (see `publish_meetup`)."""

    async def prefill(session: AsyncSession) -> Prefilled:
        if template is None:
            return Prefilled(typed, channel_id=None)
        return await templates.fill_from_template(session, guild_id=guild_id, actor=actor, name=template, typed=typed)

    return await create_prefilled_meetup(
        runtime,
        guild_id=guild_id,
        actor=actor,
        prefill=prefill,
        pick_channel=pick_channel or _always(channel_id),
        now=now,
        repeat=repeat,
        announcement=announcement,
        thread_by_default=thread_by_default,
        thread=thread,
    )


async def create_prefilled_meetup(
    runtime: Runtime,
    *,
    guild_id: int,
    actor: Actor,
    prefill: Prefill,
    pick_channel: PickChannel,
    now: datetime,
    repeat: RepeatRequest | None = None,
    announcement: Announcement | None = None,
    thread_by_default: bool = True,
    thread: bool | None = None,
) -> Meetup:
    """A meetup from fields filled in its own transaction (from a template, an earlier meetup),
    stored and posted as `/meetup create` does: a refusal anywhere leaves nothing stored (a
    repeat rule refused, too: the series is stored in the same transaction). `announcement` pings
    with the first post only: later meetups of a series are posted without it."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            filled = await prefill(session)
            meetup = await meetups.create_meetup(
                session,
                guild_id=guild_id,
                channel_id=pick_channel(filled.channel_id),
                actor=actor,
                typed=filled.typed,
                default_timezone=runtime.settings.default_timezone,
                now=now,
                zone=filled.zone,
            )
            keep_announcement(meetup, announcement)
            request = templates.with_kept_rule(repeat or RepeatRequest(), filled.rule)
            if request.given:
                await recurring_series.start_series(
                    session, meetup=meetup, request=request, locale=filled.typed.locale, now=now, thread=thread
                )
        if meetup.recurring_series_id is None:
            return await publish_meetup(
                runtime, meetup.id, announcement=announcement, thread_by_default=thread_by_default
            )
        return await publish_meetup(
            runtime,
            meetup.id,
            withdraw=lambda session: recurring_series.discard_unposted_first(session, meetup_id=meetup.id),
            announcement=announcement,
            thread_by_default=thread_by_default,
        )


def _always(channel_id: int | None) -> PickChannel:
    if channel_id is None:
        raise TypeError("create_meetup needs a channel_id or a pick_channel")
    return lambda _named: channel_id
