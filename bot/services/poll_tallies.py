"""What a poll's votes add up to: every vote (for Results, its CSV and the picture), or only the
counts (for the poll message, which is redrawn while members vote).

A big poll has 10,000 voters and 100,000 votes. Every view here is built in one pass over the
votes, and the counts are left to the database, so rendering stays linear in the voters and the
poll message costs the same to redraw whatever the number of votes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GatheringMember, Poll, PollOption, PollVote, VoteKind
from bot.services.poll_presence import OptionPresence, option_presence


def _score(option: PollOption, yes: int, if_need_be: int) -> tuple[int, int, float]:
    """Higher is better: most 'works', then most 'works' + 'if need be', then the earliest."""
    return (yes, yes + if_need_be, -option.starts_at.timestamp())


@dataclass(frozen=True, slots=True)
class OptionTally:
    option: PollOption
    yes: list[int]  # voters, in the order they voted
    if_need_be: list[int]
    # A gathering's poll: members there on the option's day, and those of its roll call who chose
    # it on a day they are away (kept, not counted in `yes` or `if_need_be`). See poll_presence.
    present: int | None = None
    away: tuple[int, ...] = ()

    @property
    def score(self) -> tuple[int, int, float]:
        return _score(self.option, len(self.yes), len(self.if_need_be))


@dataclass(frozen=True, slots=True)
class OptionCount:
    option: PollOption
    yes: int
    if_need_be: int
    present: int | None = None  # a gathering's poll: members there on the option's day

    @property
    def score(self) -> tuple[int, int, float]:
        return _score(self.option, self.yes, self.if_need_be)


@dataclass(frozen=True, slots=True)
class PollSummary:
    """A poll's counts without its voters: what the poll message shows, whatever the poll's size."""

    poll: Poll
    options: list[OptionCount]  # in the poll's order
    voter_count: int
    roll_call: int | None = None  # a gathering's poll: how many are on its roll call
    gathering_title: str | None = None

    def best(self) -> OptionCount:
        return max(self.options, key=lambda c: c.score)


@dataclass(frozen=True, slots=True)
class Ballot:
    """One voter's choices, as option numbers (1-based) in the poll's order."""

    yes: list[int]
    if_need_be: list[int]
    away: list[int] = field(default_factory=list)  # chosen on a day they are away: not counted


@dataclass(frozen=True)
class PollResults:
    """Every vote of a poll. Its views (voters, ballots) are built once, in one pass over the
    votes, so that rendering a row per voter costs the same per voter however many there are."""

    poll: Poll
    options: list[OptionTally]  # in the poll's order
    names: dict[int, str]  # voters' display names, where known
    vote_order: tuple[int, ...] = ()  # voters by their first vote, when read from the votes
    roll_call: int | None = None  # a gathering's poll: how many are on its roll call
    gathering_title: str | None = None

    @cached_property
    def voters(self) -> list[int]:
        """Everyone who voted: by first vote when known, else by the options they chose."""
        if self.vote_order:
            return list(self.vote_order)
        seen: dict[int, None] = {}
        for tally in self.options:
            seen.update(dict.fromkeys(tally.yes))
            seen.update(dict.fromkeys(tally.if_need_be))
            seen.update(dict.fromkeys(tally.away))
        return list(seen)

    @cached_property
    def ballots(self) -> dict[int, Ballot]:
        ballots = {user_id: Ballot([], []) for user_id in self.voters}
        for tally in self.options:
            number = tally.option.position + 1
            for user_id in tally.yes:
                ballots[user_id].yes.append(number)
            for user_id in tally.if_need_be:
                ballots[user_id].if_need_be.append(number)
            for user_id in tally.away:
                ballots[user_id].away.append(number)
        return ballots

    def best(self) -> OptionTally:
        return max(self.options, key=lambda t: t.score)

    def summary(self) -> PollSummary:
        counts = [OptionCount(t.option, len(t.yes), len(t.if_need_be), t.present) for t in self.options]
        return PollSummary(self.poll, counts, len(self.voters), self.roll_call, self.gathering_title)


async def poll_options(session: AsyncSession, poll_id: int) -> list[PollOption]:
    rows = await session.scalars(select(PollOption).where(PollOption.poll_id == poll_id).order_by(PollOption.position))
    return list(rows.all())


# Votes are read in slices of this many rows: between slices the event loop serves others, so
# reading the 100,000 votes of a big poll never holds it for long.
VOTE_ROWS_PER_SLICE = 2_000


async def poll_results(session: AsyncSession, poll: Poll) -> PollResults:
    """Every vote, in vote order (read as plain rows, not ORM objects: a big poll has many)."""
    options = await poll_options(session, poll.id)
    there = await option_presence(session, poll, options)
    by_option: dict[int, OptionTally] = {
        o.id: OptionTally(o, [], [], there.present[o.id] if there else None) for o in options
    }
    away: dict[int, list[int]] = {o.id: [] for o in options}
    names: dict[int, str] = {}
    order: dict[int, None] = {}
    votes = await session.stream(
        select(PollVote.option_id, PollVote.user_id, PollVote.kind, PollVote.voter_name)
        .where(PollVote.poll_id == poll.id)
        .order_by(PollVote.voted_at, PollVote.id)
        .execution_options(yield_per=VOTE_ROWS_PER_SLICE)
    )
    async for rows in votes.partitions():
        for option_id, user_id, kind, voter_name in rows:
            tally = by_option[option_id]
            order[user_id] = None
            if voter_name:
                names[user_id] = voter_name
            if there is not None and there.is_away(option_id, user_id):
                away[option_id].append(user_id)
                continue
            (tally.yes if kind == VoteKind.YES else tally.if_need_be).append(user_id)
    tallies = [replace(by_option[o.id], away=tuple(away[o.id])) for o in options]
    if there is None:
        return PollResults(poll, tallies, names, tuple(order))
    return PollResults(poll, tallies, names, tuple(order), len(there.roll_call), there.gathering.title)


async def poll_summary(session: AsyncSession, poll: Poll) -> PollSummary:
    """The counts per option and of voters, counted by the database."""
    options = await poll_options(session, poll.id)
    counted = await session.execute(
        select(PollVote.option_id, PollVote.kind, func.count())
        .where(PollVote.poll_id == poll.id)
        .group_by(PollVote.option_id, PollVote.kind)
    )
    counts = {(option_id, kind): int(n) for option_id, kind, n in counted.all()}
    voters = await session.scalar(select(func.count(distinct(PollVote.user_id))).where(PollVote.poll_id == poll.id))
    there = await option_presence(session, poll, options)
    if there is not None:
        await _leave_out_away_votes(session, poll, there, counts)
    return PollSummary(
        poll,
        [
            OptionCount(
                o,
                counts.get((o.id, VoteKind.YES), 0),
                counts.get((o.id, VoteKind.IF_NEED_BE), 0),
                there.present[o.id] if there else None,
            )
            for o in options
        ],
        int(voters or 0),
        len(there.roll_call) if there else None,
        there.gathering.title if there else None,
    )


async def _leave_out_away_votes(
    session: AsyncSession, poll: Poll, there: OptionPresence, counts: dict[tuple[int, VoteKind], int]
) -> None:
    """Take the votes of roll-call members on days they are away out of the database's counts:
    only the roll call's votes are read, so the cost stays that of the gathering, not the poll."""
    rows = await session.execute(
        select(PollVote.option_id, PollVote.user_id, PollVote.kind)
        .join(
            GatheringMember,
            and_(GatheringMember.gathering_id == there.gathering.id, GatheringMember.user_id == PollVote.user_id),
        )
        .where(PollVote.poll_id == poll.id)
    )
    for option_id, user_id, kind in rows.all():
        if there.is_away(option_id, user_id):
            counts[(option_id, kind)] -= 1
