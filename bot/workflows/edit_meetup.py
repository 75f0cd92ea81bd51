"""/meetup edit: the change is committed, then its message is redrawn, the members it concerns are
told (those let in from the waitlist, and those going or maybe when the time moved), its reminders'
timers follow, its event in the Events tab is brought up to date, and a new title renames the
attendee role the bot made for it and its thread.

The change stands whatever Discord does with the message or the notices; the outcome says what
members were shown and told, for the organizer's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.publishing.meetup_messages import Redrawn, Shown, link_to
from bot.rendering.notices import promotions_notice, time_change_notice
from bot.services import meetups
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import MeetupChange
from bot.services.organizers import Actor
from bot.services.recurrence import RepeatRule
from bot.services.series_edits import EditScope, edit_following
from bot.workflows.showing import redraw_for_organizer, tell

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True, slots=True)
class EditOutcome:
    change: MeetupChange
    message: Redrawn | None  # None: nothing changed, so nothing was redrawn
    # Whether the notices went out: True, None while they are still on their way, False if refused
    # (or there were none to send because the message is gone).
    delivered: bool | None
    # The rule of the meetup's recurring series after an edit of this and the following meetups;
    # None when only this meetup changed.
    series_rule: RepeatRule | None = None


async def edit_meetup(
    runtime: Runtime,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    typed: MeetupInput,
    now: datetime,
    scope: EditScope = EditScope.THIS,
) -> EditOutcome:
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            change = await meetups.edit_meetup(
                session,
                guild_id=guild_id,
                meetup_id=meetup_id,
                actor=actor,
                typed=typed,
                default_timezone=runtime.settings.default_timezone,
                now=now,
            )
            following = scope is EditScope.FOLLOWING and bool(change.changed_fields)
            rule = await edit_following(session, change=change, actor=actor) if following else None
        if not change.changed_fields:
            return EditOutcome(change, None, None)
        runtime.reminder_timers.refresh()
        edited = change.meetup
        message = await redraw_for_organizer(runtime, edited)
        link = link_to(edited)
        # One notice for everyone the new capacity let in, not one post each.
        posts = promotions_notice(edited, change.promoted_user_ids, link) if change.promoted_user_ids else []
        if change.time_changed:
            posts += time_change_notice(edited, change.notify_user_ids, link)
        delivered = await tell(runtime, edited, posts) if message.shown is not Shown.GONE and posts else False
        await runtime.events.mirror(edited)
        if "title" in change.changed_fields:
            await runtime.attendee_roles.follow_title(edited)
            await runtime.threads.follow_title(edited)
        return EditOutcome(change, message, delivered, rule)
