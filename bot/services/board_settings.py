"""Where a server's live board is (`/settings board`): its channel and the one message kept there.

The message id changes only by a conditional update (`replace_board_message`): of two redraws
that both found the message deleted, one re-posts it and the other takes its own post back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildSettings
from bot.db.upsert import insert_ignoring_conflict
from bot.services.audit import record_action
from bot.services.organizers import Actor, require_organizer


@dataclass(frozen=True, slots=True)
class BoardPlace:
    channel_id: int
    message_id: int


async def board_of(session: AsyncSession, *, guild_id: int) -> BoardPlace | None:
    row = await session.get(GuildSettings, guild_id)
    if row is None or row.board_channel_id is None or row.board_message_id is None:
        return None
    return BoardPlace(row.board_channel_id, row.board_message_id)


async def guilds_with_board(session: AsyncSession) -> set[int]:
    rows = await session.scalars(select(GuildSettings.guild_id).where(GuildSettings.board_message_id.is_not(None)))
    return set(rows.all())


async def set_board(session: AsyncSession, *, guild_id: int, actor: Actor, place: BoardPlace) -> BoardPlace | None:
    """Keep the board at `place` from now on; returns where it was before (its message is the
    caller's to delete). Organizers only."""
    row = await _locked_row(session, guild_id)
    require_organizer(actor, row.organizer_role_id)
    previous = _place(row)
    row.board_channel_id, row.board_message_id = place.channel_id, place.message_id
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.board",
        details={"from": previous.channel_id if previous else None, "to": place.channel_id},
    )
    await session.flush()
    return previous


async def clear_board(session: AsyncSession, *, guild_id: int, actor: Actor) -> BoardPlace | None:
    """No board any more; returns where it was (None: there was none). Organizers only."""
    row = await _locked_row(session, guild_id)
    require_organizer(actor, row.organizer_role_id)
    previous = _place(row)
    row.board_channel_id = row.board_message_id = None
    if previous is not None:
        record_action(
            session,
            guild_id=guild_id,
            actor_id=actor.user_id,
            action="settings.board",
            details={"from": previous.channel_id, "to": None},
        )
    await session.flush()
    return previous


async def replace_board_message(session: AsyncSession, *, guild_id: int, old: BoardPlace, message_id: int) -> bool:
    """The board re-posted as `message_id`, if it is still the one at `old`; False if someone else
    re-posted, moved or stopped it meanwhile."""
    result = await session.execute(
        update(GuildSettings)
        .where(
            GuildSettings.guild_id == guild_id,
            GuildSettings.board_channel_id == old.channel_id,
            GuildSettings.board_message_id == old.message_id,
        )
        .values(board_message_id=message_id)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[object], result).rowcount == 1


async def forget_board(session: AsyncSession, *, guild_id: int, old: BoardPlace) -> bool:
    """The board's channel is gone: the board stops (if it is still the one at `old`)."""
    result = await session.execute(
        update(GuildSettings)
        .where(GuildSettings.guild_id == guild_id, GuildSettings.board_message_id == old.message_id)
        .values(board_channel_id=None, board_message_id=None)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[object], result).rowcount == 1


def _place(row: GuildSettings) -> BoardPlace | None:
    if row.board_channel_id is None or row.board_message_id is None:
        return None
    return BoardPlace(row.board_channel_id, row.board_message_id)


async def _locked_row(session: AsyncSession, guild_id: int) -> GuildSettings:
    await insert_ignoring_conflict(session, GuildSettings, guild_id=guild_id)
    row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id).with_for_update())
    assert row is not None  # inserted just above if it was missing
    return row
