"""The answer cut-off an organizer sets (`answers_close`): a time, or an offset before the start.

After it, answers are refused and the waitlist stops moving (`lifecycle.answers_closed`). An
offset (`2h`, `1d`) follows the start when the meetup moves, and carries to the later meetups of
a recurring series; a time typed as such stays where it was typed, and must stay before the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.models import Meetup
from bot.rendering.time_format import full_and_relative
from bot.services.date_order import DateOrder
from bot.services.durations import parse_duration
from bot.services.errors import InvalidInput
from bot.services.reminder_offsets import describe_offsets, due_before
from bot.services.time_parsing import parse_when, require_future
from bot.services.timezones import resolve_timezone
from bot.services.typed_text import quote

SHORTEST = timedelta(minutes=1)
LONGEST = timedelta(days=30)
_NONE_WORDS = {"none", "off", "no", "-"}


@dataclass(frozen=True, slots=True)
class TypedCutoff:
    """What `answers_close` said: a time, an offset before the start, or neither (`none`: cleared)."""

    at: datetime | None = None
    before_minutes: int | None = None


def read_cutoff(text: str, *, zone: str, now: datetime, date_order: DateOrder) -> TypedCutoff:
    """`none`, an offset (`2h`, `1d`, `1h30m`: a bare length is always an offset), or a time read
    like `when` in `zone`; a time must be still to come."""
    cleaned = " ".join(text.split())
    if cleaned.lower() in _NONE_WORDS:
        return TypedCutoff()
    try:
        offset = parse_duration(cleaned, what="answer cut-off")
    except InvalidInput:
        parsed = parse_when(cleaned, zone=resolve_timezone(zone), now=now, date_order=date_order)
        return TypedCutoff(at=require_future(parsed, now=now, what="The answer cut-off").instant)
    if not SHORTEST <= offset <= LONGEST:
        raise InvalidInput(
            f"An answer cut-off before the start runs from 1m to 30d; {quote(cleaned)} is outside that. "
            "Give a time instead, or `none`."
        )
    return TypedCutoff(before_minutes=int(offset.total_seconds() // 60))


def cutoff_before(starts_at: datetime, minutes: int, zone: str) -> datetime:
    """The moment `minutes` before the start; whole days keep the wall-clock time, as reminders do."""
    return due_before(starts_at, minutes, zone)


def carry_answer_rules(meetup: Meetup, *, before_minutes: int | None, guests: int) -> None:
    """A recurring series' later meetup takes its guests and its offset cut-off (a cut-off typed as
    a time belonged to the meetup it was typed for). One that has passed when the meetup is made
    closes its answers from the start; its regulars are still seated (`ANSWER_IN_ADVANCE`)."""
    meetup.guests = guests
    meetup.answers_close_before = before_minutes
    if before_minutes is not None:
        meetup.answers_close_at = cutoff_before(meetup.starts_at, before_minutes, meetup.timezone)


def set_cutoff(meetup: Meetup, typed: TypedCutoff, *, now: datetime) -> None:
    """Give the meetup the typed cut-off, refusing one after its start or already passed."""
    meetup.answers_close_before = typed.before_minutes
    meetup.answers_close_at = typed.at
    if typed.before_minutes is not None:
        meetup.answers_close_at = cutoff_before(meetup.starts_at, typed.before_minutes, meetup.timezone)
        if meetup.answers_close_at <= now:
            raise InvalidInput(
                f"Answers would close {describe_offsets((typed.before_minutes,))} before the start, at "
                f"{full_and_relative(meetup.answers_close_at)}, which has passed. Give a shorter offset, a time "
                "still to come, or `none`. Nothing was changed."
            )
    _check_before_start(meetup)


def follow_new_start(meetup: Meetup, *, now: datetime) -> None:
    """After the start moved: an offset cut-off moves with it (refused if that puts it in the past
    while it was still ahead), a typed time stays and must still be before the start."""
    if meetup.answers_close_before is not None:
        was_ahead = meetup.answers_close_at is None or meetup.answers_close_at > now
        meetup.answers_close_at = cutoff_before(meetup.starts_at, meetup.answers_close_before, meetup.timezone)
        if was_ahead and meetup.answers_close_at <= now:
            raise InvalidInput(
                f"With the new start, answers would close at {full_and_relative(meetup.answers_close_at)} "
                f"({describe_offsets((meetup.answers_close_before,))} before it), which has passed. Give "
                "`answers_close` too: a shorter offset, a time still to come, or `none`. Nothing was changed."
            )
    _check_before_start(meetup)


def _check_before_start(meetup: Meetup) -> None:
    if meetup.answers_close_at is not None and meetup.answers_close_at > meetup.starts_at:
        raise InvalidInput(
            f"Answers would close at {full_and_relative(meetup.answers_close_at)}, after the start at "
            f"{full_and_relative(meetup.starts_at)}: a cut-off comes before the start. Give an earlier time, an "
            "offset like `2h`, or `none`. Nothing was changed."
        )
