"""`/meetup edit ... scope: following`: a change to a meetup of a recurring series that later
meetups of the series take too.

Later meetups are made from the series' fields when the one before them ends, so the edited meetup
changes as any edit does and the series keeps its new fields. A new time moves the rule by as much
as this meetup moved, so that this one is where the rule now says and every later one follows:
weekly ones may move to another day (within the week, or two for every other week), monthly ones
keep their day of the month (or weekday and week) and move only their time of day.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup
from bot.services.audit import record_action
from bot.services.errors import InvalidInput
from bot.services.meetups import MeetupChange
from bot.services.organizers import Actor
from bot.services.recurrence import RepeatKind, RepeatRule, occurrence
from bot.services.recurring_management import series_of
from bot.services.recurring_series import check_length, rule_of

_WEEK = timedelta(days=7)
# What the series keeps, by the names `MeetupChange.changed_fields` gives them.
_COPIED = {
    "title": ("title",),
    "description": ("description",),
    "location": ("location",),
    "capacity": ("capacity",),
    "reminders": ("reminder_offsets", "remind_maybe"),
    # An offset carries to later meetups; a time typed for this one (or `none`) leaves them none.
    "answers_close_at": ("answers_close_before",),
    "guests": ("guests",),
}


class EditScope(enum.StrEnum):
    THIS = "this"  # only this meetup
    FOLLOWING = "following"  # this meetup and the later ones of its series


async def edit_following(session: AsyncSession, *, change: MeetupChange, actor: Actor) -> RepeatRule:
    """Give the series the meetup's changed fields, in the edit's transaction; returns its new rule.
    Refuses (`InvalidInput`, so the edit is not stored either) a move the rule cannot make."""
    meetup = change.meetup
    series = await series_of(session, meetup)
    changed = set(change.changed_fields)
    for name, fields in _COPIED.items():
        if name in changed:
            for field in fields:
                setattr(series, field, getattr(meetup, field))
    rule = rule_of(series)
    length = meetup.ends_at - meetup.starts_at
    if "ends_at" in changed:
        check_length(rule.kind, length)
        series.duration_minutes = int(length.total_seconds() // 60)
    if changed & {"starts_at", "timezone"}:
        rule = _moved_rule(rule, meetup)
        series.first_local, series.timezone = rule.first_local, rule.zone
    record_action(
        session,
        guild_id=meetup.guild_id,
        actor_id=actor.user_id,
        action="series.edit",
        target=f"series:{series.id}",
        details={"meetup": meetup.id, "changed": sorted(changed), "first_local": series.first_local.isoformat()},
    )
    await session.flush()
    return rule


def _moved_rule(rule: RepeatRule, meetup: Meetup) -> RepeatRule:
    assert meetup.occurrence_index is not None
    planned = occurrence(rule, meetup.occurrence_index)
    assert planned is not None  # the meetup was made at one of the rule's dates
    wall = meetup.starts_at.astimezone(ZoneInfo(meetup.timezone)).replace(tzinfo=None)
    moved = wall - planned.wall
    if not rule.kind.is_weekly and wall.date() != planned.wall.date():
        raise InvalidInput(
            f"A series that repeats `{rule.kind.value}` keeps its day: with `scope: following` only the time of "
            "day can change. Use `scope: this` to move this meetup alone. Nothing was changed."
        )
    gap = _WEEK * (2 if rule.kind is RepeatKind.EVERY_2_WEEKS else 1)
    if abs(moved) >= gap:
        raise InvalidInput(
            f"That moves the series by {abs(moved).days} days, past another of its meetups: with "
            "`scope: following` a meetup of the series moves within its own week. Nothing was changed."
        )
    first_local = rule.first_local + moved
    if rule.until is not None and rule.until < first_local.date():
        raise InvalidInput("That moves the series' first date past its last one. Nothing was changed.")
    return RepeatRule(rule.kind, first_local, meetup.timezone, until=rule.until, count=rule.count)
