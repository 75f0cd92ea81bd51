"""Regulars of a recurring series: members who picked `Every time` on one of its meetups.

A regular is Going to every later occurrence as it is posted: the occurrence's answers for its
regulars are written in the transaction that makes it (`seat_regulars`, called by
`recurring_series.prepare_next`), in the order regulars joined, through the same `AnswerBook` as
clicks, so capacity holds and the ones past it are waitlisted in that order. An occurrence is
made once, so its regulars are seated once, and a crash before the commit leaves neither.

Picking it on the open occurrence also answers that one Going, unless the member has already
answered it: an answer given to this meetup stays (a Can't go for this week is not overruled).
Picking it again stops it and leaves the answer to the open occurrence as it is; a second click
within two seconds is a double click, as for answers, and changes nothing. The button is
an answer to the meetup, so the lifecycle's rules for answers apply: a cancelled or over meetup
refuses it. A series with no meetup after this one (stopped, ended, or at its last date) has
nothing to come to every time, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus, RecurringSeries, RsvpSource, SeriesRegular, SeriesStatus
from bot.services import lifecycle
from bot.services.errors import DomainError
from bot.services.lifecycle import Action
from bot.services.meetup_lookup import lock_meetup
from bot.services.recurrence import occurrence
from bot.services.recurring_series import rule_of
from bot.services.regular_seats import regular_ids
from bot.services.rsvps import (
    DOUBLE_CLICK_WINDOW,
    MEMBER_NAME_MAX,
    Answer,
    AnswerBook,
    AnswerRequest,
    RsvpOutcome,
    standing,
)


class NoLaterMeetups(DomainError):
    """The meetup has no later occurrence for a regular to be Going to."""


@dataclass(frozen=True, slots=True)
class EveryTimeChoice:
    """A member's standing after a click on `Every time`."""

    meetup_id: int
    regular: bool  # a regular of the series now
    changed: bool  # False: a double click, taken as one
    answer: RsvpOutcome  # their answer to this meetup, as it stands now
    answered_now: bool  # `answer` was given by this click (they had not answered this meetup)
    place: int | None  # their place among the series' regulars, 1 for the first who joined
    later: RsvpOutcome | None = None  # Going to the next occurrence too, made as this one ended


def later_meetups_come(series: RecurringSeries | None, meetup: Meetup) -> bool:
    """Whether an occurrence follows this one: the series is active and its rule has a later date."""
    if series is None or meetup.occurrence_index is None or series.status != SeriesStatus.ACTIVE:
        return False
    return occurrence(rule_of(series), meetup.occurrence_index + 1) is not None


async def offers_every_time(session: AsyncSession, meetup: Meetup) -> bool:
    """Whether the meetup's message shows the `Every time` button."""
    if meetup.recurring_series_id is None:
        return False
    return later_meetups_come(await session.get(RecurringSeries, meetup.recurring_series_id), meetup)


async def choose_every_time(
    session: AsyncSession, *, guild_id: int, meetup_id: int, user_id: int, member_name: str | None, now: datetime
) -> EveryTimeChoice:
    """Make the member a regular of the meetup's series, or stop it if they are one. Decided
    under the meetup's lock, as answers to it are."""
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(meetup, Action.ANSWER, now=now)
    series = await _series_with_later_meetups(session, meetup)
    row = await _regular(session, series.id, user_id)
    book = await AnswerBook.open(session, meetup, [user_id])
    if row is not None and row.stopped_at is None:
        if now - row.joined_at < DOUBLE_CLICK_WINDOW:
            return await _choice(session, book, user_id, regular=True, changed=False)
        row.stopped_at = now
        await session.flush()
        return await _choice(session, book, user_id, regular=False, changed=True)
    if row is not None and row.stopped_at is not None and now - row.stopped_at < DOUBLE_CLICK_WINDOW:
        return await _choice(session, book, user_id, regular=False, changed=False)
    if row is None:
        row = SeriesRegular(series_id=series.id, user_id=user_id)
        session.add(row)
    # Joining (again) takes the last place among the regulars.
    row.joined_at, row.stopped_at = now, None
    row.member_name = _name(member_name) or row.member_name
    await session.flush()
    later = await _seat_at_later_occurrence(session, series.id, meetup, user_id, member_name, now=now)
    if user_id in book.rows:
        return replace(await _choice(session, book, user_id, regular=True, changed=True), later=later)
    going = await book.apply(AnswerRequest(user_id, Answer.GOING, RsvpSource.BUTTON, member_name=member_name), now=now)
    place = await _place(session, series.id, user_id)
    return EveryTimeChoice(meetup.id, True, True, going, answered_now=True, place=place, later=later)


async def _seat_at_later_occurrence(
    session: AsyncSession, series_id: int, meetup: Meetup, user_id: int, member_name: str | None, *, now: datetime
) -> RsvpOutcome | None:
    """A click that reached this meetup as it ended, after its next occurrence was made (and its
    regulars seated): the new regular is Going to that one too, unless they answered it."""
    assert meetup.occurrence_index is not None
    later_id = await session.scalar(
        select(Meetup.id).where(
            Meetup.recurring_series_id == series_id,
            Meetup.occurrence_index > meetup.occurrence_index,
            Meetup.status == MeetupStatus.SCHEDULED,
        )
    )
    if later_id is None:
        return None
    later = await lock_meetup(session, guild_id=meetup.guild_id, meetup_id=later_id)
    book = await AnswerBook.open(session, later, [user_id])
    if user_id in book.rows:
        return None
    request = AnswerRequest(user_id, Answer.GOING, RsvpSource.BUTTON, member_name=member_name, in_advance=True)
    return await book.apply(request, now=now)


async def _series_with_later_meetups(session: AsyncSession, meetup: Meetup) -> RecurringSeries:
    number = f"Meetup #{meetup.id}"
    if meetup.recurring_series_id is None:
        raise NoLaterMeetups(f"{number} does not repeat, so there is no later meetup to come to every time.")
    series = await session.get(RecurringSeries, meetup.recurring_series_id, populate_existing=True)
    if series is None or series.status == SeriesStatus.STOPPED:
        raise NoLaterMeetups(
            f"The organizers stopped the series of meetup #{meetup.id}, so no meetup follows this one: there is "
            "nothing to come to every time. Answer this one with Going, Maybe or Can't go."
        )
    if not later_meetups_come(series, meetup):
        raise NoLaterMeetups(
            f"{number} is the last of its series: no meetup follows it, so there is nothing to come to every "
            "time. Answer this one with Going, Maybe or Can't go."
        )
    return series


async def _regular(session: AsyncSession, series_id: int, user_id: int) -> SeriesRegular | None:
    return await session.scalar(
        select(SeriesRegular)
        .where(SeriesRegular.series_id == series_id, SeriesRegular.user_id == user_id)
        .execution_options(populate_existing=True)
    )


async def _place(session: AsyncSession, series_id: int, user_id: int) -> int | None:
    ids = await regular_ids(session, series_id=series_id)
    return ids.index(user_id) + 1 if user_id in ids else None


async def _choice(
    session: AsyncSession, book: AnswerBook, user_id: int, *, regular: bool, changed: bool
) -> EveryTimeChoice:
    current = book.rows.get(user_id)
    answer = await standing(session, book.meetup, user_id, previous=current.status if current else None)
    assert book.meetup.recurring_series_id is not None
    place = await _place(session, book.meetup.recurring_series_id, user_id) if regular else None
    return EveryTimeChoice(book.meetup.id, regular, changed, answer, answered_now=False, place=place)


def _name(name: str | None) -> str | None:
    return name[:MEMBER_NAME_MAX] if name else None
