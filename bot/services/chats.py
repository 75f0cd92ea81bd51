"""One-to-one chat requests: asked by one member of another, answered by whoever is awaited
(accept a time, propose another, decline, decline and block), then cancelled by either.

A request is allowed between two members on the roll call of one open gathering, or anywhere in
a server whose organizers turned chats on. The limits (5 open per asker, one open per pair) are
counted while both members' preference rows are locked, so two asks at once cannot pass them
together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChatRequest, ChatState, Gathering
from bot.services import gatherings
from bot.services.chat_preferences import block, chats_enabled, is_blocked, locked_preferences
from bot.services.chat_times import expiry_of, instants_from_storage, instants_to_storage, read_time, read_times
from bot.services.date_order import DateOrder
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.record_numbers import is_record_number

MAX_OPEN_PER_ASKER = 5
TOPIC_MAX = 200
NAME_MAX = 100
REMIND_BEFORE = timedelta(minutes=15)


class ChatNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("I can't find that chat request any more.")


class NotTakingChats(DomainError):
    """Said the same whether the member turned chats off or blocked the asker."""

    def __init__(self, name: str) -> None:
        super().__init__(f"**{name}** is not taking chat requests.")


class ChatSettled(DomainError):
    """The request was answered already (a second click, or an old message)."""

    def __init__(self, request: ChatRequest) -> None:
        super().__init__(settled_text(request))
        self.request = request


def settled_text(request: ChatRequest) -> str:
    if request.state == ChatState.ACCEPTED and request.starts_at is not None:
        return f"This chat was already accepted, for <t:{int(request.starts_at.timestamp())}:F>."
    return {
        ChatState.DECLINED: "This chat request was already declined.",
        ChatState.CANCELLED: "This chat was cancelled.",
        ChatState.EXPIRED: "This chat request lapsed without an answer.",
    }.get(request.state, "This chat request was already answered.")


@dataclass(frozen=True, slots=True)
class ChatAsk:
    guild_id: int
    channel_id: int
    asker_id: int
    asker_name: str
    member_id: int
    member_name: str
    member_is_bot: bool
    topic: str | None
    times: str | None


@dataclass(frozen=True, slots=True)
class Answered:
    request: ChatRequest
    by: int
    old_message: tuple[int, int] | None  # (channel, message) of the request message, to take its buttons away


def name_of(request: ChatRequest, user_id: int) -> str:
    name = request.asker_name if user_id == request.asker_id else request.member_name
    return name or "someone"


def other_party(request: ChatRequest, user_id: int) -> int:
    return request.member_id if user_id == request.asker_id else request.asker_id


async def ask_for_chat(
    session: AsyncSession, *, ask: ChatAsk, default_zone: str, date_order: DateOrder, now: datetime
) -> ChatRequest:
    if ask.member_id == ask.asker_id:
        raise InvalidInput("You can't ask yourself for a chat.")
    if ask.member_is_bot:
        raise InvalidInput("Bots don't take chat requests.")
    topic = " ".join((ask.topic or "").split()) or None
    if topic is not None and len(topic) > TOPIC_MAX:
        raise InvalidInput(f"The topic is {len(topic)} characters long; it can be at most {TOPIC_MAX}.")
    gathering = await gatherings.shared_gathering(
        session, guild_id=ask.guild_id, user_ids=[ask.asker_id, ask.member_id], now=now
    )
    if gathering is None and not await chats_enabled(session, guild_id=ask.guild_id):
        raise DomainError(
            "Chat requests are for members on the roll call of the same gathering, or in a server whose "
            "organizers turned them on (`/settings chats on`)."
        )
    member_name = ask.member_name[:NAME_MAX]
    preferences = await locked_preferences(session, guild_id=ask.guild_id, user_ids=[ask.asker_id, ask.member_id])
    if preferences[ask.member_id].chats_off or await is_blocked(
        session, guild_id=ask.guild_id, user_id=ask.member_id, blocked_id=ask.asker_id
    ):
        raise NotTakingChats(member_name)
    await _require_room(session, ask, member_name, now)
    expires_at = expiry_of(gathering, now=now)
    days = await _shared_days(session, gathering, [ask.asker_id, ask.member_id])
    zone = gathering.timezone if gathering is not None else default_zone
    times = read_times(ask.times, zone=zone, now=now, date_order=date_order, gathering=gathering, shared_days=days)
    request = ChatRequest(
        guild_id=ask.guild_id,
        gathering_id=gathering.id if gathering is not None else None,
        channel_id=ask.channel_id,
        asker_id=ask.asker_id,
        member_id=ask.member_id,
        asker_name=ask.asker_name[:NAME_MAX],
        member_name=member_name,
        topic=topic,
        timezone=zone,
        state=ChatState.OPEN,
        proposed=instants_to_storage(sorted(times)),
        awaiting_id=ask.member_id,
        expires_at=expires_at,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    await session.flush()
    return request


async def _require_room(session: AsyncSession, ask: ChatAsk, member_name: str, now: datetime) -> None:
    # A request past its lapse is not waiting any more, though the timer may not have recorded it yet.
    waiting = (ChatRequest.state == ChatState.OPEN) & (ChatRequest.expires_at > now)
    pair = or_(
        (ChatRequest.asker_id == ask.asker_id) & (ChatRequest.member_id == ask.member_id),
        (ChatRequest.asker_id == ask.member_id) & (ChatRequest.member_id == ask.asker_id),
    )
    between = await session.scalar(select(ChatRequest).where(ChatRequest.guild_id == ask.guild_id, waiting, pair))
    if between is not None:
        if between.asker_id == ask.asker_id:
            raise DomainError(f"You already asked **{member_name}** for a chat: wait for that one to be answered.")
        raise DomainError(f"**{member_name}** already asked you for a chat: answer that one (see `/meetup chats`).")
    count = await session.scalar(
        select(func.count())
        .select_from(ChatRequest)
        .where(
            ChatRequest.guild_id == ask.guild_id,
            ChatRequest.asker_id == ask.asker_id,
            waiting,
        )
    )
    if int(count or 0) >= MAX_OPEN_PER_ASKER:
        raise DomainError(
            f"You have {MAX_OPEN_PER_ASKER} chat requests waiting for an answer, the most at once: "
            "ask again once one of them is answered."
        )


async def _shared_days(session: AsyncSession, gathering: Gathering | None, user_ids: list[int]) -> set[date]:
    if gathering is None:
        return set()
    shared: set[date] | None = None
    for user_id in user_ids:
        member = await gatherings.member_of(session, gathering_id=gathering.id, user_id=user_id)
        days = gatherings.days_of(member) if member is not None else set()
        shared = days if shared is None else shared & days
    return shared or set()


async def load_request(session: AsyncSession, *, request_id: int, lock: bool = False) -> ChatRequest:
    if not is_record_number(request_id):
        raise ChatNotFound()
    query = select(ChatRequest).where(ChatRequest.id == request_id).execution_options(populate_existing=True)
    request = await session.scalar(query.with_for_update() if lock else query)
    if request is None:
        raise ChatNotFound()
    return request


def require_party(request: ChatRequest, user_id: int) -> None:
    if user_id not in (request.asker_id, request.member_id):
        raise DomainError("This chat request is not yours: only the two members it is between can answer it.")


def require_turn(request: ChatRequest, user_id: int, *, now: datetime) -> None:
    """Only the member awaited answers an open request, before it lapses."""
    require_party(request, user_id)
    if request.state != ChatState.OPEN:
        raise ChatSettled(request)
    if request.expires_at <= now:
        raise DomainError("This chat request lapsed without an answer.")
    if user_id != request.awaiting_id:
        other = name_of(request, other_party(request, user_id))
        raise DomainError(f"It's **{other}**'s turn to answer this chat request; I'll tell you when they do.")


async def _turn(
    session: AsyncSession, request_id: int, user_id: int, now: datetime
) -> tuple[ChatRequest, tuple[int, int] | None]:
    request = await load_request(session, request_id=request_id, lock=True)
    require_turn(request, user_id, now=now)
    old = (
        (request.message_channel_id, request.message_id)
        if request.message_channel_id is not None and request.message_id is not None
        else None
    )
    return request, old


async def accept_chat(
    session: AsyncSession,
    *,
    request_id: int,
    user_id: int,
    at: datetime | None = None,
    typed: str | None = None,
    date_order: DateOrder = DateOrder.MONTH_FIRST,
    now: datetime,
) -> Answered:
    """Accept one of the proposed times (`at`), or with none proposed the time typed."""
    request, old = await _turn(session, request_id, user_id, now)
    proposed = instants_from_storage(request.proposed)
    if typed is not None:
        if proposed:
            raise InvalidInput("Pick one of the times proposed, or propose another time.")
        starts_at = await _read_answer(session, request, typed, date_order=date_order, now=now)
    else:
        if at is None:
            if len(proposed) != 1:
                raise InvalidInput("Pick one of the times proposed.")
            at = proposed[0]
        if at not in proposed:
            raise InvalidInput("That time is not among the times proposed: pick one of them, or propose another.")
        if at <= now:
            raise InvalidInput("That time has already passed: propose another time.")
        starts_at = at
    request.state = ChatState.ACCEPTED
    request.starts_at = starts_at
    request.reminder_due_at = starts_at - REMIND_BEFORE if starts_at - REMIND_BEFORE > now else None
    request.message_channel_id = request.message_id = None
    request.updated_at = now
    await session.flush()
    return Answered(request, user_id, old)


async def propose_time(
    session: AsyncSession,
    *,
    request_id: int,
    user_id: int,
    typed: str,
    date_order: DateOrder = DateOrder.MONTH_FIRST,
    now: datetime,
) -> Answered:
    """Propose another time: the request stays open and now awaits the other member."""
    request, old = await _turn(session, request_id, user_id, now)
    instant = await _read_answer(session, request, typed, date_order=date_order, now=now)
    request.proposed = instants_to_storage([instant])
    request.awaiting_id = other_party(request, user_id)
    request.message_channel_id = request.message_id = None
    request.updated_at = now
    await session.flush()
    return Answered(request, user_id, old)


async def _read_answer(
    session: AsyncSession, request: ChatRequest, typed: str, *, date_order: DateOrder, now: datetime
) -> datetime:
    gathering = await session.get(Gathering, request.gathering_id) if request.gathering_id is not None else None
    days = await _shared_days(session, gathering, [request.asker_id, request.member_id])
    return read_time(
        typed, zone=request.timezone, now=now, date_order=date_order, gathering=gathering, shared_days=days
    )


async def decline_chat(
    session: AsyncSession, *, request_id: int, user_id: int, and_block: bool = False, now: datetime
) -> Answered:
    """Decline (and, if asked, take no more requests from the other member in this server)."""
    request, old = await _turn(session, request_id, user_id, now)
    request.state = ChatState.DECLINED
    request.closed_by = user_id
    request.message_channel_id = request.message_id = None
    request.updated_at = now
    if and_block:
        await block(session, guild_id=request.guild_id, user_id=user_id, blocked_id=other_party(request, user_id))
    await session.flush()
    return Answered(request, user_id, old)


async def cancel_chat(session: AsyncSession, *, request_id: int, user_id: int, now: datetime) -> ChatRequest:
    """Either member calls an accepted chat off; its reminder is dropped with it."""
    request = await load_request(session, request_id=request_id, lock=True)
    require_party(request, user_id)
    if request.state != ChatState.ACCEPTED:
        raise ChatSettled(request)
    assert request.starts_at is not None
    if request.starts_at + timedelta(minutes=request.duration_minutes) <= now:
        raise DomainError("This chat is over already.")
    request.state = ChatState.CANCELLED
    request.closed_by = user_id
    request.updated_at = now
    await session.flush()
    return request


async def record_request_message(
    session: AsyncSession, *, request_id: int, awaiting_id: int, channel_id: int, message_id: int
) -> None:
    """Where the message awaiting an answer is (to take its buttons away once answered), unless
    it was answered meanwhile."""
    request = await load_request(session, request_id=request_id, lock=True)
    if request.state == ChatState.OPEN and request.awaiting_id == awaiting_id and request.message_id is None:
        request.message_channel_id = channel_id
        request.message_id = message_id
        await session.flush()


async def take_back(session: AsyncSession, *, request_id: int) -> None:
    """A request that could not be delivered at all is removed, as if never asked."""
    request = await session.get(ChatRequest, request_id)
    if request is not None:
        await session.delete(request)
        await session.flush()


@dataclass(frozen=True, slots=True)
class ChatList:
    open: list[ChatRequest]
    accepted: list[ChatRequest]


async def chats_of(session: AsyncSession, *, guild_id: int, user_id: int, now: datetime) -> ChatList:
    """A member's open requests (sent and received, oldest first) and accepted chats not over yet (soonest first)."""
    mine = or_(ChatRequest.asker_id == user_id, ChatRequest.member_id == user_id)
    rows = await session.scalars(
        select(ChatRequest)
        .where(ChatRequest.guild_id == guild_id, mine, ChatRequest.state.in_((ChatState.OPEN, ChatState.ACCEPTED)))
        .order_by(ChatRequest.created_at, ChatRequest.id)
    )
    listed = list(rows.all())
    waiting = [r for r in listed if r.state == ChatState.OPEN and r.expires_at > now]
    accepted = [
        r
        for r in listed
        if r.state == ChatState.ACCEPTED
        and r.starts_at is not None
        and r.starts_at + timedelta(minutes=r.duration_minutes) > now
    ]
    accepted.sort(key=lambda r: r.starts_at or now)
    return ChatList(waiting, accepted)
