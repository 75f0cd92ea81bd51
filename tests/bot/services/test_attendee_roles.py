"""The attendee role sync's plan: who to give the role to, who to take it back from, who keeps it
through another open meetup, and when the bot's own role is deleted; and the `attendee_role` option."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, MeetupStatus, RsvpSource
from bot.services import attendee_roles
from bot.services.announcements import ServerRole
from bot.services.attendee_roles import NEW_ROLE, NO_ROLE, RoleChoice, RoleKind, plan_role_sync, read_attendee_role
from bot.services.errors import DomainError
from bot.services.recurring_series import RepeatRequest, start_series
from bot.services.rsvps import Answer
from tests.bot.services.factories import GUILD, NOW, make_meetup, rsvp_to_meetup

Sessions = async_sessionmaker[AsyncSession]
ROLE = 7001
ROLES = [ServerRole(GUILD, "@everyone", False), ServerRole(ROLE, "Attendees", False), ServerRole(7002, "Staff", True)]


async def answer(sessionmaker: Sessions, meetup_id: int, user_id: int, choice: Answer, *, at: int = 0) -> None:
    async with sessionmaker() as s, s.begin():
        await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            user_id=user_id,
            answer=choice,
            source=RsvpSource.BUTTON,
            toggle=False,
            now=NOW + timedelta(seconds=at),
        )


async def with_role(sessionmaker: Sessions, *, made: bool = False, capacity: int | None = None) -> Meetup:
    meetup = await make_meetup(sessionmaker, capacity=capacity)
    async with sessionmaker() as s, s.begin():
        await attendee_roles.set_meetup_role(s, meetup_id=meetup.id, role_id=ROLE, made=made)
    return meetup


async def plan(sessionmaker: Sessions, meetup_id: int) -> attendee_roles.RoleSync:
    async with sessionmaker() as s:
        found = await plan_role_sync(s, meetup_id=meetup_id, now=NOW)
    assert found is not None
    return found


async def apply(sessionmaker: Sessions, sync: attendee_roles.RoleSync) -> None:
    """What the publisher records once Discord said yes."""
    async with sessionmaker() as s, s.begin():
        await attendee_roles.record_taken_back(
            s, meetup_id=sync.meetup_id, user_ids=[u for u, _ in sync.take_back] + list(sync.release)
        )
        if sync.role_id is not None:
            await attendee_roles.record_given(
                s, meetup_id=sync.meetup_id, role_id=sync.role_id, user_ids=sync.give + sync.adopt
            )


def test_the_option_reads_new_none_a_mention_an_id_or_a_name() -> None:
    assert read_attendee_role(None, guild_id=GUILD, roles=ROLES) is None
    assert read_attendee_role(" NEW ", guild_id=GUILD, roles=ROLES) == NEW_ROLE
    assert read_attendee_role("none", guild_id=GUILD, roles=ROLES) == NO_ROLE
    existing = RoleChoice(RoleKind.EXISTING, ROLE)
    assert read_attendee_role(f"<@&{ROLE}>", guild_id=GUILD, roles=ROLES) == existing
    assert read_attendee_role("@attendees", guild_id=GUILD, roles=ROLES) == existing
    with pytest.raises(DomainError, match="can't find a role `Nobody`"):
        read_attendee_role("Nobody", guild_id=GUILD, roles=ROLES)
    with pytest.raises(DomainError):
        read_attendee_role(str(GUILD), guild_id=GUILD, roles=ROLES)  # @everyone is nobody's to give


def test_the_server_default_is_stored_and_read_back() -> None:
    for choice in (NEW_ROLE, NO_ROLE, RoleChoice(RoleKind.EXISTING, ROLE)):
        assert attendee_roles.choice_from_storage(choice.stored()) == choice


async def test_going_members_get_the_role_and_lose_it_when_they_change_their_answer(sessionmaker: Sessions) -> None:
    meetup = await with_role(sessionmaker, capacity=1)
    await answer(sessionmaker, meetup.id, 101, Answer.GOING)
    await answer(sessionmaker, meetup.id, 102, Answer.GOING, at=1)  # waitlisted: no role
    first = await plan(sessionmaker, meetup.id)
    assert first.give == (101,) and not first.take_back
    await apply(sessionmaker, first)
    assert (await plan(sessionmaker, meetup.id)).settled
    await answer(sessionmaker, meetup.id, 101, Answer.DECLINED, at=5)  # 102 is promoted
    second = await plan(sessionmaker, meetup.id)
    assert second.give == (102,) and second.take_back == ((101, ROLE),)


async def test_a_role_another_open_meetup_gives_is_kept(sessionmaker: Sessions) -> None:
    first = await with_role(sessionmaker)
    second = await with_role(sessionmaker)
    await answer(sessionmaker, first.id, 101, Answer.GOING)
    await apply(sessionmaker, await plan(sessionmaker, first.id))
    await answer(sessionmaker, second.id, 101, Answer.GOING)
    adopted = await plan(sessionmaker, second.id)
    assert adopted.adopt == (101,) and not adopted.give  # no second request for a role already held
    await apply(sessionmaker, adopted)
    await answer(sessionmaker, first.id, 101, Answer.MAYBE, at=5)
    kept = await plan(sessionmaker, first.id)
    assert kept.release == (101,) and not kept.take_back


async def test_a_cancelled_meetup_takes_the_role_back_and_deletes_its_own(sessionmaker: Sessions) -> None:
    existing = await with_role(sessionmaker)
    made = await with_role(sessionmaker, made=True)
    for meetup in (existing, made):
        await answer(sessionmaker, meetup.id, 101, Answer.GOING)
        await apply(sessionmaker, await plan(sessionmaker, meetup.id))
    async with sessionmaker() as s, s.begin():
        for meetup in (existing, made):
            row = await s.get(Meetup, meetup.id)
            assert row is not None
            row.status = MeetupStatus.CANCELLED
    taken = await plan(sessionmaker, existing.id)
    assert taken.take_back == ((101, ROLE),) and not taken.delete_role
    await apply(sessionmaker, taken)
    deleted = await plan(sessionmaker, made.id)
    assert deleted.delete_role and deleted.release == (101,) and not deleted.take_back
    async with sessionmaker() as s:
        assert await attendee_roles.meetups_to_reconcile(s, guild_id=GUILD, now=NOW) == [made.id]


async def test_the_next_occurrence_carries_the_role_of_the_one_before(sessionmaker: Sessions) -> None:
    first = await make_meetup(sessionmaker)
    second = await make_meetup(sessionmaker)
    async with sessionmaker() as s, s.begin():
        row = await s.get(Meetup, first.id)
        assert row is not None
        await start_series(s, meetup=row, request=RepeatRequest("weekly"), locale=None, now=NOW)
        later = await s.get(Meetup, second.id)
        assert later is not None
        later.recurring_series_id, later.occurrence_index = row.recurring_series_id, 1
    async with sessionmaker() as s:
        assert await attendee_roles.carried_role(s, meetup_id=second.id) is None  # nothing to carry
    for made, carried in ((False, RoleChoice(RoleKind.EXISTING, ROLE)), (True, NEW_ROLE)):
        async with sessionmaker() as s, s.begin():
            await attendee_roles.set_meetup_role(s, meetup_id=first.id, role_id=ROLE, made=made)
        async with sessionmaker() as s:
            assert await attendee_roles.carried_role(s, meetup_id=second.id) == carried
