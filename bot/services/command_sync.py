"""Deciding when the slash command definitions must be sent to Discord again.

Syncing on every start spends a rate-limited call and, for global commands, makes Discord's
clients refetch; a hash of the definitions, kept in the database, says whether anything changed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AppState


def definitions_hash(definitions: list[dict[str, Any]]) -> str:
    canonical = json.dumps(sorted(definitions, key=lambda d: str(d.get("name"))), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sync_state_key(guild_id: int | None) -> str:
    return f"command_sync:{'global' if guild_id is None else guild_id}"


async def sync_needed(session: AsyncSession, *, guild_id: int | None, digest: str) -> bool:
    row = await session.get(AppState, sync_state_key(guild_id))
    return row is None or row.value != digest


async def record_sync(session: AsyncSession, *, guild_id: int | None, digest: str) -> None:
    key = sync_state_key(guild_id)
    row = await session.get(AppState, key)
    if row is None:
        session.add(AppState(key=key, value=digest))
    else:
        row.value = digest
    await session.flush()
