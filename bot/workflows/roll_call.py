"""A member answering a gathering's roll call: each change committed, then what shows it redrawn:
the roll call's counts, and the open polls among its members (their present counts, and which
votes count, follow the days)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.db.models import Gathering, GatheringMember
from bot.services import gatherings

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def come(
    runtime: Runtime, *, guild_id: int, gathering_id: int, user_id: int, member_name: str | None, now: datetime
) -> tuple[Gathering, GatheringMember, bool]:
    """On the roll call (all days if new); True if they were not on it before."""
    async with runtime.db.transaction() as session:
        gathering = await gatherings.get_gathering(session, guild_id=guild_id, gathering_id=gathering_id)
        member, new = await gatherings.join(
            session, gathering=gathering, user_id=user_id, member_name=member_name, now=now
        )
    if new:
        await _redraw(runtime, gathering_id)
    return gathering, member, new


async def pick_days(
    runtime: Runtime, *, guild_id: int, gathering_id: int, user_id: int, days: Collection[date], now: datetime
) -> tuple[Gathering, GatheringMember]:
    async with runtime.db.transaction() as session:
        gathering = await gatherings.get_gathering(session, guild_id=guild_id, gathering_id=gathering_id)
        member = await gatherings.set_days(session, gathering=gathering, user_id=user_id, days=days, now=now)
    await _redraw(runtime, gathering_id)
    return gathering, member


async def write_about(
    runtime: Runtime, *, guild_id: int, gathering_id: int, user_id: int, about: str | None, now: datetime
) -> tuple[Gathering, GatheringMember]:
    async with runtime.db.transaction() as session:
        gathering = await gatherings.get_gathering(session, guild_id=guild_id, gathering_id=gathering_id)
        member = await gatherings.set_about(session, gathering=gathering, user_id=user_id, about=about, now=now)
    return gathering, member


async def stay_away(
    runtime: Runtime, *, guild_id: int, gathering_id: int, user_id: int, now: datetime
) -> tuple[Gathering, bool]:
    async with runtime.db.transaction() as session:
        gathering = await gatherings.get_gathering(session, guild_id=guild_id, gathering_id=gathering_id)
        was_on = await gatherings.leave(session, gathering=gathering, user_id=user_id, now=now)
    if was_on:
        await _redraw(runtime, gathering_id)
    return gathering, was_on


async def _redraw(runtime: Runtime, gathering_id: int) -> None:
    runtime.gathering_messages.refresh(gathering_id)
    await runtime.poll_messages.refresh_gathering(gathering_id)
