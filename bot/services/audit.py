"""The audit log of organizer actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditLogEntry


def record_action(
    session: AsyncSession,
    *,
    guild_id: int,
    actor_id: int,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the caller's transaction, so it is written if and only if the action is."""
    session.add(
        AuditLogEntry(guild_id=guild_id, actor_id=actor_id, action=action, target=target, details=details or {})
    )
