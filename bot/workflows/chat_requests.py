"""The use cases of chat requests: ask, answer (accept, propose another time, decline, block),
cancel. Each decides in one transaction, then tells the members on Discord (a DM, else a private
post in the request's channel), and hands the timers what changed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.db.models import ChatRequest, ChatState
from bot.publishing.chat_messages import accepted_note, news_note, request_note
from bot.rendering.chat_texts import answered_text, asked_text, cancelled_text, declined_text
from bot.services import chats
from bot.services.chats import Answered, ChatAsk, other_party
from bot.services.date_order import DateOrder
from bot.services.errors import DomainError
from bot.services.guild_settings import get_guild_config

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def reading_order(runtime: Runtime, guild_id: int, locale: str | None) -> DateOrder:
    async with runtime.db.reading() as session:
        config = await get_guild_config(session, guild_id=guild_id)
    return config.reading_order(locale)


async def ask_for_chat(runtime: Runtime, *, ask: ChatAsk, locale: str | None, now: datetime) -> str:
    """Record the request and send it to the member; returns what the asker is told."""
    async with runtime.db.transaction() as session:
        config = await get_guild_config(
            session, guild_id=ask.guild_id, default_timezone=runtime.settings.default_timezone
        )
        request = await chats.ask_for_chat(
            session, ask=ask, default_zone=config.timezone, date_order=config.reading_order(locale), now=now
        )
    messenger = runtime.chat_timers.messenger
    delivered = await messenger.tell(request, request.member_id, request_note(request))
    async with runtime.db.transaction() as session:
        if delivered is None:
            await chats.take_back(session, request_id=request.id)
        else:
            await chats.record_request_message(
                session,
                request_id=request.id,
                awaiting_id=request.member_id,
                channel_id=delivered.channel_id,
                message_id=delivered.message_id,
            )
    if delivered is None:
        raise DomainError(
            f"I couldn't reach **{ask.member_name}**: their DMs are closed to me and I can't post in this "
            "channel. Nothing was sent."
        )
    runtime.chat_timers.refresh()
    return asked_text(request, by_dm=delivered.by_dm)


async def accept_chat(
    runtime: Runtime,
    *,
    request_id: int,
    user_id: int,
    at: datetime | None = None,
    typed: str | None = None,
    locale: str | None = None,
) -> str:
    order = await _order_for(runtime, request_id, locale) if typed is not None else DateOrder.MONTH_FIRST
    async with runtime.db.transaction() as session:
        answered = await chats.accept_chat(
            session,
            request_id=request_id,
            user_id=user_id,
            at=at,
            typed=typed,
            date_order=order,
            now=discord.utils.utcnow(),
        )
    await _tell_answer(runtime, answered)
    return answered_text(answered.request, user_id)


async def propose_time(runtime: Runtime, *, request_id: int, user_id: int, typed: str, locale: str | None) -> str:
    order = await _order_for(runtime, request_id, locale)
    async with runtime.db.transaction() as session:
        answered = await chats.propose_time(
            session, request_id=request_id, user_id=user_id, typed=typed, date_order=order, now=discord.utils.utcnow()
        )
    await _tell_answer(runtime, answered)
    return answered_text(answered.request, user_id)


async def decline_chat(runtime: Runtime, *, request_id: int, user_id: int, and_block: bool) -> str:
    async with runtime.db.transaction() as session:
        answered = await chats.decline_chat(
            session, request_id=request_id, user_id=user_id, and_block=and_block, now=discord.utils.utcnow()
        )
    await _tell_answer(runtime, answered)
    return answered_text(answered.request, user_id, blocked=and_block)


async def cancel_chat(runtime: Runtime, *, request_id: int, user_id: int) -> str:
    async with runtime.db.transaction() as session:
        request = await chats.cancel_chat(session, request_id=request_id, user_id=user_id, now=discord.utils.utcnow())
    other = other_party(request, user_id)
    await runtime.chat_timers.messenger.tell(request, other, news_note(other, cancelled_text(request, other)))
    runtime.chat_timers.refresh()
    return answered_text(request, user_id)


async def _order_for(runtime: Runtime, request_id: int, locale: str | None) -> DateOrder:
    async with runtime.db.reading() as session:
        request = await chats.load_request(session, request_id=request_id)
    return await reading_order(runtime, request.guild_id, locale)


async def _tell_answer(runtime: Runtime, answered: Answered) -> None:
    """After an answer is committed: the old request loses its buttons, and the other side is told."""
    request, messenger = answered.request, runtime.chat_timers.messenger
    if answered.old_message is not None:
        await messenger.take_buttons_away(*answered.old_message)
    other = other_party(request, answered.by)
    if request.state == ChatState.ACCEPTED:
        now = discord.utils.utcnow()
        for user_id in (request.asker_id, request.member_id):
            await messenger.tell(request, user_id, accepted_note(request, user_id, now=now))
    elif request.state == ChatState.OPEN:
        await _send_request(runtime, request)
    elif request.state == ChatState.DECLINED:
        await messenger.tell(request, other, news_note(other, declined_text(request, other)))
    runtime.chat_timers.refresh()


async def _send_request(runtime: Runtime, request: ChatRequest) -> None:
    delivered = await runtime.chat_timers.messenger.tell(request, request.awaiting_id, request_note(request))
    if delivered is not None:
        async with runtime.db.transaction() as session:
            await chats.record_request_message(
                session,
                request_id=request.id,
                awaiting_id=request.awaiting_id,
                channel_id=delivered.channel_id,
                message_id=delivered.message_id,
            )
