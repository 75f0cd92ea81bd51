"""The lifecycle itself: phases from the clock, what each allows, the close, and how a meetup stands
for a member."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, MeetupStatus
from bot.services import lifecycle
from bot.services.errors import MeetupClosed, NotYet
from bot.services.lifecycle import TRANSITIONS, Action, Phase, Standing, allows, phase_of, standing_of
from bot.services.meetups import cancel_meetup, list_upcoming
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER, make_meetup

Sessions = async_sessionmaker[AsyncSession]


def a_meetup(status: MeetupStatus = MeetupStatus.SCHEDULED) -> Meetup:
    return Meetup(id=7, starts_at=NOW, ends_at=NOW + timedelta(hours=2), status=status)


def test_the_clock_moves_a_meetup_through_its_phases_along_the_transitions() -> None:
    meetup = a_meetup()
    seen = [
        phase_of(meetup, NOW + offset)
        for offset in (
            -timedelta(minutes=31),
            -timedelta(minutes=30),
            timedelta(0),
            timedelta(hours=2) - timedelta(seconds=1),
            timedelta(hours=2),
            timedelta(hours=4) - timedelta(seconds=1),
            timedelta(hours=4),
        )
    ]
    assert seen == [
        Phase.SCHEDULED,
        Phase.CHECK_IN,
        Phase.UNDER_WAY,
        Phase.UNDER_WAY,
        Phase.OVER,
        Phase.OVER,
        Phase.CLOSED,
    ]
    for before, after in itertools.pairwise(seen):
        assert before == after or after in TRANSITIONS[before]
    # What is written down wins over the clock.
    assert phase_of(a_meetup(MeetupStatus.FINISHED), NOW) == Phase.CLOSED
    assert phase_of(a_meetup(MeetupStatus.CANCELLED), NOW + timedelta(hours=9)) == Phase.CANCELLED
    assert lifecycle.phase_changes(meetup) == [
        NOW - timedelta(minutes=30),
        NOW,
        NOW + timedelta(hours=2),
        NOW + timedelta(hours=4),
    ]


def test_what_each_phase_allows() -> None:
    def phases_allowing(action: Action) -> set[Phase]:
        return {phase for phase in Phase if allows(phase, action)}

    before_the_end = {Phase.SCHEDULED, Phase.CHECK_IN, Phase.UNDER_WAY}
    assert phases_allowing(Action.ANSWER) == before_the_end
    assert phases_allowing(Action.CANCEL) == before_the_end
    assert phases_allowing(Action.EDIT_TEXT) == before_the_end
    assert phases_allowing(Action.EDIT_TIME) == {Phase.SCHEDULED, Phase.CHECK_IN}
    assert phases_allowing(Action.CHECK_IN) == {Phase.CHECK_IN, Phase.UNDER_WAY, Phase.OVER}
    assert phases_allowing(Action.MARK_ATTENDANCE) == {Phase.CHECK_IN, Phase.UNDER_WAY, Phase.OVER, Phase.CLOSED}
    assert phases_allowing(Action.FOLLOW_UP_ABSENT) == {Phase.OVER, Phase.CLOSED}
    assert phases_allowing(Action.FOLLOW_UP) == {Phase.OVER, Phase.CLOSED, Phase.CANCELLED}


def test_refusals_say_why() -> None:
    meetup = a_meetup()
    refusals = {
        (Action.ANSWER, Phase.OVER): (MeetupClosed, "This meetup is over, so it no longer takes answers."),
        (Action.ANSWER, Phase.CANCELLED): (MeetupClosed, "This meetup was cancelled, so it no longer takes answers."),
        (Action.EDIT_TEXT, Phase.CLOSED): (
            MeetupClosed,
            "Meetup #7 is over, so it can't be edited any more. Nothing was changed.",
        ),
        (Action.EDIT_TIME, Phase.UNDER_WAY): (
            MeetupClosed,
            "Meetup #7 is under way, so only its title, place and description can change now; its time, time zone, "
            "length, capacity and reminders stay as they are. Nothing was changed.",
        ),
        (Action.CANCEL, Phase.OVER): (MeetupClosed, "Meetup #7 is already over, so it can't be cancelled."),
        (Action.FOLLOW_UP, Phase.SCHEDULED): (
            NotYet,
            "Meetup #7 has not happened yet, so nobody has missed it: plan a follow-up once it is over "
            f"(<t:{int((NOW + timedelta(hours=2)).timestamp())}:F>",
        ),
        (Action.FOLLOW_UP_ABSENT, Phase.UNDER_WAY): (NotYet, "Meetup #7 is under way: who missed it is known"),
        (Action.FOLLOW_UP_ABSENT, Phase.CANCELLED): (MeetupClosed, "Meetup #7 was cancelled, so nobody missed it"),
        (Action.MARK_ATTENDANCE, Phase.SCHEDULED): (NotYet, "Meetup #7 has not started yet: attendance can be"),
        (Action.CHECK_IN, Phase.SCHEDULED): (NotYet, "Check-in opens <t:"),
        (Action.CHECK_IN, Phase.CLOSED): (MeetupClosed, "Check-in closed <t:"),
    }
    for (action, phase), (kind, says) in refusals.items():
        refused = lifecycle.refusal(meetup, phase, action)
        assert isinstance(refused, kind) and refused.user_message.startswith(says), (action, phase)


@pytest.mark.parametrize(
    ("phase", "present", "taken", "standing"),
    [
        (Phase.SCHEDULED, None, False, Standing.UPCOMING),
        (Phase.CHECK_IN, False, True, Standing.UPCOMING),  # an early mark says nothing yet
        (Phase.CHECK_IN, True, True, Standing.ATTENDED),  # checked in before the start
        (Phase.CANCELLED, True, True, Standing.CANCELLED),
        (Phase.CANCELLED, None, False, Standing.CANCELLED),
        (Phase.UNDER_WAY, None, True, Standing.NOT_MARKED_YET),
        (Phase.OVER, None, True, Standing.NOT_MARKED_YET),  # late check-ins still count
        (Phase.OVER, False, True, Standing.DID_NOT_ATTEND),
        (Phase.CLOSED, None, True, Standing.DID_NOT_ATTEND),
        (Phase.CLOSED, None, False, Standing.NOT_MARKED_YET),  # nobody took attendance
        (Phase.CLOSED, True, True, Standing.ATTENDED),
    ],
)
def test_how_a_meetup_stands_for_a_member(phase: Phase, present: bool | None, taken: bool, standing: Standing) -> None:
    assert standing_of(phase, present, attendance_taken=taken) == standing


async def test_check_in_closes_once_and_the_meetup_is_finished(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    cancelled = await make_meetup(sessionmaker, title="Rained out")
    async with sessionmaker() as s, s.begin():
        await cancel_meetup(s, guild_id=GUILD, meetup_id=cancelled.id, actor=ORGANIZER, reason=None, now=NOW)
    closes = meetup.ends_at + timedelta(hours=2)
    async with sessionmaker() as s:
        assert await lifecycle.due_to_close(s, now=closes - timedelta(seconds=1)) == []
        assert list(await lifecycle.due_to_close(s, now=closes)) == [meetup.id]
    async with sessionmaker() as s, s.begin():
        assert not await lifecycle.close_check_in(s, meetup_id=meetup.id, now=closes - timedelta(seconds=1))
        assert not await lifecycle.close_check_in(s, meetup_id=cancelled.id, now=closes)
    # Two processes (or a restart that retries) close it at once: one of them finishes it.
    async with sessionmaker() as first, first.begin():
        assert await lifecycle.close_check_in(first, meetup_id=meetup.id, now=closes)
    async with sessionmaker() as second, second.begin():
        assert not await lifecycle.close_check_in(second, meetup_id=meetup.id, now=closes + timedelta(hours=1))
    async with sessionmaker() as s:
        stored = await s.get(Meetup, meetup.id)
        again = await s.get(Meetup, cancelled.id)
        assert await lifecycle.due_to_close(s, now=closes + timedelta(days=1)) == []
        # Finished and cancelled meetups are not upcoming, whatever the clock says.
        upcoming = await list_upcoming(
            s, guild_id=GUILD, actor=ORGANIZER, now=meetup.starts_at - timedelta(days=1), visible_channel_ids={CHANNEL}
        )
    assert stored is not None and stored.status == MeetupStatus.FINISHED
    assert phase_of(stored, meetup.starts_at) == Phase.CLOSED
    assert again is not None and again.status == MeetupStatus.CANCELLED
    assert upcoming == []
