"""Which answers leave a member's reaction behind, to be taken back from the meetup message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import RsvpSource
from bot.services.rsvps import Answer, RsvpOutcome
from tests.bot.services.factories import GUILD, NOW, make_meetup, rsvp_to_meetup, withdraw_from_meetup

Sessions = async_sessionmaker[AsyncSession]


async def answer(
    sessionmaker: Sessions, meetup_id: int, answer: Answer, source: RsvpSource, *, at: int = 0
) -> RsvpOutcome:
    async with sessionmaker() as s, s.begin():
        return await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            user_id=101,
            answer=answer,
            source=source,
            toggle=source == RsvpSource.BUTTON,
            now=NOW + timedelta(seconds=at),
        )


async def test_a_reaction_replaced_by_a_button_or_another_reaction_is_left_behind(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    assert (await answer(sessionmaker, meetup.id, Answer.GOING, RsvpSource.REACTION)).left_reaction is None
    by_button = await answer(sessionmaker, meetup.id, Answer.MAYBE, RsvpSource.BUTTON, at=1)
    assert by_button.left_reaction == Answer.GOING
    # The Maybe came by button: nothing of it is on the message to take back.
    assert (await answer(sessionmaker, meetup.id, Answer.DECLINED, RsvpSource.REACTION, at=2)).left_reaction is None
    by_reaction = await answer(sessionmaker, meetup.id, Answer.GOING, RsvpSource.REACTION, at=3)
    assert by_reaction.left_reaction == Answer.DECLINED


async def test_a_reaction_to_the_answer_one_has_stands_for_it(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup.id, Answer.GOING, RsvpSource.BUTTON)
    same = await answer(sessionmaker, meetup.id, Answer.GOING, RsvpSource.REACTION, at=1)
    assert same.left_reaction is None  # unchanged
    withdrawn = await answer(sessionmaker, meetup.id, Answer.GOING, RsvpSource.BUTTON, at=10)
    assert (withdrawn.status, withdrawn.left_reaction) == (None, Answer.GOING)


async def test_removing_one_s_reaction_leaves_nothing_behind(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup.id, Answer.MAYBE, RsvpSource.REACTION)
    async with sessionmaker() as s, s.begin():
        removed = await withdraw_from_meetup(
            s, guild_id=GUILD, meetup_id=meetup.id, user_id=101, only=Answer.MAYBE, now=NOW + timedelta(seconds=5)
        )
    assert (removed.status, removed.left_reaction) == (None, None)
