"""Chat requests in the service layer: who may ask whom, the limits (also when asks arrive at
once), the times, the answers and whose turn it is, and the claims of the reminders and lapses."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import ChatBlock, ChatRequest, ChatState, Gathering, GatheringMember, GuildSettings
from bot.rendering.chat_texts import expired_text, lapse_reader
from bot.services import chat_due, chats
from bot.services.chat_preferences import set_chats_off
from bot.services.chat_times import gathering_end
from bot.services.chats import ChatAsk, ChatSettled, NotTakingChats
from bot.services.date_order import DateOrder
from bot.services.errors import DomainError, InvalidInput

GUILD = 9001
NOW = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # 10:00 in Seoul on Fri 4 Dec
FIRST, LAST = date(2026, 12, 3), date(2026, 12, 6)
ASKER, MEMBER = 11, 22


async def gathering_with(session: AsyncSession, days: dict[int, list[date]]) -> Gathering:
    gathering = Gathering(
        guild_id=GUILD, channel_id=1, title="ICCV", timezone="Asia/Seoul", starts_on=FIRST, ends_on=LAST, created_by=1
    )
    session.add(gathering)
    await session.flush()
    for user_id, there in days.items():
        session.add(GatheringMember(gathering_id=gathering.id, user_id=user_id, days=[d.isoformat() for d in there]))
    await session.flush()
    return gathering


def every_day() -> list[date]:
    return [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def asking(member: int = MEMBER, *, asker: int = ASKER, times: str | None = None, is_bot: bool = False) -> ChatAsk:
    return ChatAsk(
        guild_id=GUILD,
        channel_id=1,
        asker_id=asker,
        asker_name=f"user{asker}",
        member_id=member,
        member_name=f"user{member}",
        member_is_bot=is_bot,
        topic="  talk   about NeRFs ",
        times=times,
    )


async def ask(session: AsyncSession, ask: ChatAsk, *, now: datetime = NOW) -> ChatRequest:
    return await chats.ask_for_chat(session, ask=ask, default_zone="UTC", date_order=DateOrder.MONTH_FIRST, now=now)


async def test_a_request_in_a_gathering_lapses_at_its_end_in_its_zone(session: AsyncSession) -> None:
    gathering = await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking(times="Dec 5 14:00; Dec 5 9:30"))
    assert request.gathering_id == gathering.id and request.timezone == "Asia/Seoul"
    assert request.expires_at == gathering_end(gathering) == datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
    assert chats_times(request) == ["2026-12-05T00:30:00+00:00", "2026-12-05T05:00:00+00:00"]  # sorted, UTC
    assert request.topic == "talk about NeRFs" and request.awaiting_id == MEMBER


def chats_times(request: ChatRequest) -> list[str]:
    return list(request.proposed)


@pytest.mark.parametrize(
    ("times", "refusal"),
    [
        ("Dec 4 8:00", "has already passed"),
        ("Dec 7 10:00", "not a day you are both at"),
        ("Dec 5 10:00; Dec 5 10:00", "same time as an earlier one"),
        ("; ".join(f"Dec 5 1{n}:00" for n in range(6)), "at most 5 times"),
        ("whenever", "^I couldn't understand `whenever`"),
        ("Dec 5 10:00; whenever", "^Time 2 \\(`whenever`\\): I couldn't understand"),
    ],
)
async def test_times_are_checked(session: AsyncSession, times: str, refusal: str) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    with pytest.raises(InvalidInput, match=refusal):
        await ask(session, asking(times=times))


async def test_a_time_must_fall_on_a_day_both_are_there(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: [date(2026, 12, 4), date(2026, 12, 5)], MEMBER: [date(2026, 12, 5)]})
    with pytest.raises(InvalidInput, match="you are both there on Sat 5 Dec"):
        await ask(session, asking(times="Dec 4 15:00"))
    assert len((await ask(session, asking(times="Dec 5 15:00"))).proposed) == 1


async def test_who_may_be_asked(session: AsyncSession) -> None:
    with pytest.raises(DomainError, match="/settings chats on"):
        await ask(session, asking())
    session.add(GuildSettings(guild_id=GUILD, chats_enabled=True))
    await session.flush()
    request = await ask(session, asking())
    assert request.gathering_id is None and request.expires_at == NOW + timedelta(days=7)
    with pytest.raises(InvalidInput, match="yourself"):
        await ask(session, asking(ASKER))
    with pytest.raises(InvalidInput, match="Bots"):
        await ask(session, asking(33, is_bot=True))
    await set_chats_off(session, guild_id=GUILD, user_id=44, off=True)
    with pytest.raises(NotTakingChats, match=r"\*\*user44\*\* is not taking chat requests"):
        await ask(session, asking(44))


async def test_one_open_request_per_pair_and_five_per_asker(session: AsyncSession) -> None:
    session.add(GuildSettings(guild_id=GUILD, chats_enabled=True))
    await session.flush()
    first = await ask(session, asking())
    with pytest.raises(DomainError, match="already asked"):
        await ask(session, asking())
    with pytest.raises(DomainError, match="already asked you"):
        await ask(session, asking(ASKER, asker=MEMBER))
    for member in range(100, 104):
        await ask(session, asking(member))
    with pytest.raises(DomainError, match="5 chat requests waiting"):
        await ask(session, asking(200))
    await chats.decline_chat(session, request_id=first.id, user_id=MEMBER, now=NOW)
    await ask(session, asking())  # room again, and the pair may try again once answered
    with pytest.raises(DomainError, match="5 chat requests waiting"):
        await ask(session, asking(200))


async def test_asks_at_once_stay_within_the_limit(db: Database) -> None:
    async with db.transaction() as session:
        session.add(GuildSettings(guild_id=GUILD, chats_enabled=True))

    async def one(member: int) -> bool:
        try:
            async with db.transaction() as session:
                await ask(session, asking(member))
            return True
        except DomainError:
            return False

    made = await asyncio.gather(*(one(member) for member in range(300, 308)))
    assert sum(made) == chats.MAX_OPEN_PER_ASKER
    async with db.reading() as session:
        assert len((await session.scalars(select(ChatRequest))).all()) == chats.MAX_OPEN_PER_ASKER


async def test_only_the_member_awaited_answers_and_only_once(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking(times="Dec 5 14:00; Dec 5 16:00"))
    with pytest.raises(DomainError, match="not yours"):
        await chats.accept_chat(session, request_id=request.id, user_id=99, now=NOW)
    with pytest.raises(DomainError, match="turn to answer"):
        await chats.accept_chat(session, request_id=request.id, user_id=ASKER, now=NOW)
    with pytest.raises(InvalidInput, match="Pick one"):
        await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, now=NOW)
    with pytest.raises(InvalidInput, match="not among the times"):
        await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, at=NOW + timedelta(days=1), now=NOW)
    at = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
    answered = await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, at=at, now=NOW)
    assert answered.request.state == ChatState.ACCEPTED and answered.request.starts_at == at
    assert answered.request.reminder_due_at == at - timedelta(minutes=15)
    with pytest.raises(ChatSettled, match="already accepted"):
        await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, at=at, now=NOW)


async def test_a_counter_proposal_turns_the_request_round(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking(times="Dec 5 14:00"))
    answered = await chats.propose_time(session, request_id=request.id, user_id=MEMBER, typed="Dec 6 11:00", now=NOW)
    assert answered.request.state == ChatState.OPEN and answered.request.awaiting_id == ASKER
    assert answered.request.proposed == ["2026-12-06T02:00:00+00:00"]
    with pytest.raises(DomainError, match="turn"):
        await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, now=NOW)
    done = await chats.accept_chat(session, request_id=request.id, user_id=ASKER, now=NOW)
    assert done.request.starts_at == datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


async def test_a_chat_soon_has_no_reminder_and_a_typed_time_needs_no_proposal(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking())
    with pytest.raises(InvalidInput, match="already passed"):
        await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, typed="Dec 4 9:00", now=NOW)
    done = await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, typed="in 10m", now=NOW)
    assert done.request.starts_at == NOW + timedelta(minutes=10) and done.request.reminder_due_at is None


async def test_decline_and_block(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking())
    answered = await chats.decline_chat(session, request_id=request.id, user_id=MEMBER, and_block=True, now=NOW)
    assert answered.request.state == ChatState.DECLINED and answered.request.closed_by == MEMBER
    assert await session.get(ChatBlock, (GUILD, MEMBER, ASKER)) is not None
    with pytest.raises(NotTakingChats):
        await ask(session, asking())
    # The blocked asker is not blocked the other way round.
    await ask(session, asking(ASKER, asker=MEMBER))


async def test_cancel_by_either_drops_the_reminder(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking(times="Dec 5 14:00"))
    with pytest.raises(ChatSettled):
        await chats.cancel_chat(session, request_id=request.id, user_id=ASKER, now=NOW)
    await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, now=NOW)
    with pytest.raises(DomainError, match="not yours"):
        await chats.cancel_chat(session, request_id=request.id, user_id=99, now=NOW)
    cancelled = await chats.cancel_chat(session, request_id=request.id, user_id=ASKER, now=NOW)
    assert cancelled.state == ChatState.CANCELLED
    due = datetime(2026, 12, 5, 5, 0, tzinfo=UTC)
    assert await chat_due.due_reminder_ids(session, now=due) == []


async def test_a_reminder_is_claimed_once_until_its_lease_runs_out(session: AsyncSession) -> None:
    await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking(times="Dec 5 14:00"))
    await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, now=NOW)
    due = datetime(2026, 12, 5, 4, 45, tzinfo=UTC)
    timers = await chat_due.chat_timers(session, until=due + timedelta(minutes=1))
    assert [(t.key, t.at) for t in timers] == [(f"remind:{request.id}", due)]
    assert await chat_due.due_reminder_ids(session, now=due - timedelta(seconds=1)) == []
    lease = timedelta(seconds=120)
    assert await chat_due.claim_reminder(session, request_id=request.id, worker="a", now=due, lease=lease)
    assert await chat_due.claim_reminder(session, request_id=request.id, worker="b", now=due, lease=lease) is None
    later = due + lease + timedelta(seconds=1)
    assert await chat_due.claim_reminder(session, request_id=request.id, worker="b", now=later, lease=lease)
    assert not await chat_due.mark_reminder_sent(session, request_id=request.id, worker="a", now=later)
    assert await chat_due.release_reminder_claims(session, worker="b") == 1
    assert await chat_due.claim_reminder(session, request_id=request.id, worker="c", now=later, lease=lease)
    assert await chat_due.mark_reminder_sent(session, request_id=request.id, worker="c", now=later)
    assert await chat_due.due_reminder_ids(session, now=later + timedelta(hours=1)) == []
    row = await chats.load_request(session, request_id=request.id)
    assert chat_due.is_late(row, later) and not chat_due.is_over(row, later)
    assert chat_due.is_over(row, datetime(2026, 12, 5, 5, 30, tzinfo=UTC))  # 30 minutes from 14:00 Seoul


async def test_an_open_request_lapses_once(session: AsyncSession) -> None:
    gathering = await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking())
    end = gathering_end(gathering)
    assert await chat_due.lapsed_ids(session, now=end - timedelta(seconds=1)) == []
    assert await chat_due.lapsed_ids(session, now=end) == [request.id]
    assert await chat_due.lapsing(session, request_id=request.id, now=end - timedelta(seconds=1)) is None
    assert await chat_due.lapsing(session, request_id=request.id, now=end) is not None
    expired = await chat_due.expire(session, request_id=request.id, now=end)
    assert expired is not None and expired.state == ChatState.EXPIRED
    assert await chat_due.expire(session, request_id=request.id, now=end) is None
    assert await chat_due.lapsing(session, request_id=request.id, now=end) is None
    with pytest.raises(ChatSettled, match="lapsed"):
        await chats.accept_chat(session, request_id=request.id, user_id=MEMBER, typed="Dec 5 10:00", now=end)


async def test_a_lapse_tells_whoever_waited_and_frees_the_pair(session: AsyncSession) -> None:
    gathering = await gathering_with(session, {ASKER: every_day(), MEMBER: every_day()})
    request = await ask(session, asking(times="Dec 5 14:00"))
    # The member proposed another time, which the asker never answered: the member waited.
    await chats.propose_time(session, request_id=request.id, user_id=MEMBER, typed="Dec 6 11:00", now=NOW)
    assert lapse_reader(request) == MEMBER
    assert expired_text(request).startswith("The time you proposed to **user11**")
    # Past its lapse, though no pass recorded it yet, it no longer blocks a new request of the pair.
    end = gathering_end(gathering)
    with pytest.raises(DomainError, match="already asked"):
        await ask(session, asking(), now=end - timedelta(seconds=1))
    chats_enabled = GuildSettings(guild_id=GUILD, chats_enabled=True)
    session.add(chats_enabled)
    await session.flush()
    again = await ask(session, asking(), now=end + timedelta(seconds=1))
    assert again.id != request.id
