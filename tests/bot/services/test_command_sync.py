from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.command_sync import definitions_hash, record_sync, sync_needed


def test_hash_ignores_order_but_not_content() -> None:
    a, b = {"name": "a", "description": "x"}, {"name": "b", "description": "y"}
    assert definitions_hash([a, b]) == definitions_hash([b, a])
    assert definitions_hash([a]) != definitions_hash([{"name": "a", "description": "changed"}])


async def test_sync_is_needed_until_recorded_then_again_after_a_change(session: AsyncSession) -> None:
    assert await sync_needed(session, guild_id=None, digest="one")
    await record_sync(session, guild_id=None, digest="one")
    assert not await sync_needed(session, guild_id=None, digest="one")
    assert await sync_needed(session, guild_id=None, digest="two")
    assert await sync_needed(session, guild_id=42, digest="one")  # each target has its own record
