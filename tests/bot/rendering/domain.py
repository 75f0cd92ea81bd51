"""Hypothesis strategies for what the renderers draw: meetups, their answers, polls and their
votes, reminders; every typed text at the most the input checks let through, in every script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from bot.db.models import (
    Meetup,
    MeetupStatus,
    Poll,
    PollOption,
    PollStatus,
    Reminder,
    ReminderKind,
    ReminderState,
    RsvpSource,
    RsvpStatus,
)
from bot.services.meetup_input import DESCRIPTION_MAX, TITLE_MAX, WHERE_MAX
from bot.services.polls import OptionTally, PollResults
from bot.services.roster import Roster, RosterEntry
from tests.bot.rendering.scripts import SNOWFLAKES, single_line, typed

# Long names make long lines: the zones with the longest IANA names, and a few ordinary ones.
ZONES = ["America/Argentina/ComodRivadavia", "America/North_Dakota/New_Salem", "Asia/Seoul", "Asia/Karachi", "UTC"]
INSTANTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=0)
)
RECORD_NUMBERS = st.integers(1, 2**31 - 1)


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), strategy)


@st.composite
def meetups(draw: st.DrawFn) -> Meetup:
    starts_at = draw(INSTANTS)
    return Meetup(
        id=draw(RECORD_NUMBERS),
        guild_id=draw(SNOWFLAKES),
        channel_id=draw(SNOWFLAKES),
        message_id=draw(st.one_of(st.none(), SNOWFLAKES)),
        title=draw(single_line(TITLE_MAX)),
        description=draw(optional(typed(DESCRIPTION_MAX))),
        location=draw(optional(typed(WHERE_MAX))),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=draw(st.integers(5, 14 * 24 * 60))),
        timezone=draw(st.sampled_from(ZONES)),
        capacity=draw(st.one_of(st.none(), st.integers(1, 10_000))),
        status=draw(st.sampled_from(MeetupStatus)),
        created_by=draw(SNOWFLAKES),
        cancel_reason=draw(optional(typed(WHERE_MAX))),
    )


def member_ids(max_size: int = 400) -> st.SearchStrategy[list[int]]:
    """Members as Discord numbers them: 18 to 19 digits, which is what fills a message."""
    return st.integers(0, max_size).flatmap(
        lambda n: st.integers(10**17, 2**63 - n - 1).map(lambda first: list(range(first, first + n)))
    )


def _entries(user_ids: list[int], status: RsvpStatus, at: datetime) -> list[RosterEntry]:
    waitlisted = status == RsvpStatus.WAITLISTED
    return [
        RosterEntry(uid, status, at, RsvpSource.BUTTON, n if waitlisted else None)
        for n, uid in enumerate(user_ids, start=1)
    ]


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    meetup = draw(meetups())
    ids = draw(member_ids())
    cuts = sorted(draw(st.lists(st.integers(0, len(ids)), min_size=4, max_size=4)))
    groups = [ids[a:b] for a, b in zip([0, *cuts], [*cuts, len(ids)], strict=True)]
    at = meetup.starts_at - timedelta(days=1)
    attended = dict.fromkeys(draw(st.sampled_from([[], ids[: len(ids) // 2], ids])), meetup.starts_at)
    return Roster(
        meetup,
        going=_entries(groups[0], RsvpStatus.GOING, at),
        maybe=_entries(groups[1], RsvpStatus.MAYBE, at),
        declined=_entries(groups[2], RsvpStatus.DECLINED, at),
        waitlist=_entries(groups[3], RsvpStatus.WAITLISTED, at),
        attended=attended,
        follows=draw(st.one_of(st.none(), meetups())),
    )


@st.composite
def polls(draw: st.DrawFn) -> Poll:
    return Poll(
        id=draw(RECORD_NUMBERS),
        guild_id=draw(SNOWFLAKES),
        channel_id=draw(SNOWFLAKES),
        message_id=draw(st.one_of(st.none(), SNOWFLAKES)),
        title=draw(single_line(TITLE_MAX)),
        description=draw(optional(typed(DESCRIPTION_MAX))),
        location=draw(optional(typed(WHERE_MAX))),
        timezone=draw(st.sampled_from(ZONES)),
        status=draw(st.sampled_from(PollStatus)),
        created_by=draw(SNOWFLAKES),
        closes_at=draw(st.one_of(st.none(), INSTANTS)),
        meetup_id=draw(st.one_of(st.none(), RECORD_NUMBERS)),
    )


@st.composite
def poll_results(draw: st.DrawFn) -> PollResults:
    poll = draw(polls())
    count = draw(st.integers(2, 25))
    first = draw(INSTANTS)
    voters = draw(member_ids(300))
    # A gathering's poll: each option counts those there that day, and keeps the votes of the
    # roll call's members away that day apart.
    among_gathering = draw(st.booleans())
    tallies = []
    for position in range(count):
        option = PollOption(
            id=position + 1, poll_id=poll.id, position=position, starts_at=first + timedelta(hours=7 * position)
        )
        chosen = draw(st.sampled_from([[], voters[::2], voters, voters[position % 3 :: 3]]))
        maybe = [u for u in voters if u not in set(chosen)][: draw(st.integers(0, len(voters)))]
        if not among_gathering:
            tallies.append(OptionTally(option, list(chosen), maybe))
            continue
        voted = set(chosen) | set(maybe)
        away = [u for u in voters if u not in voted][: draw(st.integers(0, len(voters)))]
        tallies.append(OptionTally(option, list(chosen), maybe, draw(st.integers(0, 10_000)), tuple(away)))
    names = {u: draw(single_line(32)) for u in voters[:50]}
    roll_call = draw(st.integers(0, 10_000)) if among_gathering else None
    title = draw(single_line(TITLE_MAX)) if among_gathering else None
    return PollResults(poll, tallies, names, roll_call=roll_call, gathering_title=title)


@st.composite
def reminders(draw: st.DrawFn) -> Reminder:
    return Reminder(
        id=draw(RECORD_NUMBERS),
        kind=draw(st.sampled_from(ReminderKind)),
        offset_minutes=draw(st.integers(1, 30 * 24 * 60)),
        due_at=draw(INSTANTS),
        state=draw(st.sampled_from(ReminderState)),
        attempts=draw(st.integers(0, 9)),
        sent_at=draw(st.one_of(st.none(), INSTANTS)),
        message_id=draw(st.one_of(st.none(), SNOWFLAKES)),
        late=draw(st.booleans()),
        reason=draw(optional(typed(256))),
    )
