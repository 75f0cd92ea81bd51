"""Answers to REQUEST_GUILD_MEMBERS (op 8): GUILD_MEMBERS_CHUNK events, 1000 members at most per chunk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .payloads import member_payload
from .state import EmulatorState

CHUNK_SIZE = 1000


def member_chunks(state: EmulatorState, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    guild_ids = request.get("guild_id")
    for raw_guild_id in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
        guild = state.guilds.get(int(raw_guild_id or 0))
        if guild is None:
            continue
        members, not_found = _select(state, guild.members, request)
        chunk_count = max(1, -(-len(members) // CHUNK_SIZE))
        for index in range(chunk_count):
            part = members[index * CHUNK_SIZE : (index + 1) * CHUNK_SIZE]
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [member_payload(m, state.users[m.user_id]) for m in part],
                "chunk_index": index,
                "chunk_count": chunk_count,
            }
            if not_found and index == 0:
                chunk["not_found"] = not_found
            if request.get("nonce"):
                chunk["nonce"] = request["nonce"]
            yield chunk


def _select(state: EmulatorState, members: dict[int, Any], request: dict[str, Any]) -> tuple[list[Any], list[str]]:
    user_ids = request.get("user_ids")
    if user_ids is not None:
        wanted = [int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])]
        return [members[u] for u in wanted if u in members], [str(u) for u in wanted if u not in members]
    query = str(request.get("query") or "").lower()
    limit = int(request.get("limit") or 0)
    found = [
        m
        for m in members.values()
        if not query
        or state.users[m.user_id].username.lower().startswith(query)
        or (m.nick or "").lower().startswith(query)
    ]
    return (found[:limit] if limit else found), []
