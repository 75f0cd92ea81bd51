"""Gateway intents and the payloads of the events the emulator dispatches."""

from __future__ import annotations

import enum
from typing import Any

from .models import Guild, MessageRecord, Reaction
from .payloads import (
    channel_payload,
    guild_payload,
    member_payload,
    message_payload,
    role_payload,
    scheduled_event_payload,
    thread_payload,
    user_payload,
)
from .snowflakes import iso
from .state import EmulatorState


class Intent(enum.IntFlag):
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_EXPRESSIONS = 1 << 3
    GUILD_INTEGRATIONS = 1 << 4
    GUILD_WEBHOOKS = 1 << 5
    GUILD_INVITES = 1 << 6
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    AUTO_MODERATION_CONFIGURATION = 1 << 20
    AUTO_MODERATION_EXECUTION = 1 << 21
    GUILD_MESSAGE_POLLS = 1 << 24
    DIRECT_MESSAGE_POLLS = 1 << 25


PRIVILEGED_INTENTS = int(Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT)
ALL_INTENTS = sum(int(i) for i in Intent)

_GUILD_EVENT_INTENTS: dict[str, Intent] = {
    **dict.fromkeys(
        (
            "GUILD_CREATE",
            "GUILD_UPDATE",
            "GUILD_DELETE",
            "GUILD_ROLE_CREATE",
            "GUILD_ROLE_UPDATE",
            "GUILD_ROLE_DELETE",
            "CHANNEL_CREATE",
            "CHANNEL_UPDATE",
            "CHANNEL_DELETE",
            "CHANNEL_PINS_UPDATE",
            "THREAD_CREATE",
            "THREAD_UPDATE",
            "THREAD_DELETE",
            "THREAD_MEMBER_UPDATE",
        ),
        Intent.GUILDS,
    ),
    **dict.fromkeys(
        ("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "THREAD_MEMBERS_UPDATE"),
        Intent.GUILD_MEMBERS,
    ),
    **dict.fromkeys(
        ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"), Intent.GUILD_MESSAGES
    ),
    **dict.fromkeys(
        (
            "MESSAGE_REACTION_ADD",
            "MESSAGE_REACTION_REMOVE",
            "MESSAGE_REACTION_REMOVE_ALL",
            "MESSAGE_REACTION_REMOVE_EMOJI",
        ),
        Intent.GUILD_MESSAGE_REACTIONS,
    ),
    **dict.fromkeys(
        (
            "GUILD_SCHEDULED_EVENT_CREATE",
            "GUILD_SCHEDULED_EVENT_UPDATE",
            "GUILD_SCHEDULED_EVENT_DELETE",
            "GUILD_SCHEDULED_EVENT_USER_ADD",
            "GUILD_SCHEDULED_EVENT_USER_REMOVE",
        ),
        Intent.GUILD_SCHEDULED_EVENTS,
    ),
    "TYPING_START": Intent.GUILD_MESSAGE_TYPING,
}
_DM_EVENT_INTENTS: dict[str, Intent] = {
    **dict.fromkeys(
        ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "CHANNEL_PINS_UPDATE"), Intent.DIRECT_MESSAGES
    ),
    **dict.fromkeys(
        (
            "MESSAGE_REACTION_ADD",
            "MESSAGE_REACTION_REMOVE",
            "MESSAGE_REACTION_REMOVE_ALL",
            "MESSAGE_REACTION_REMOVE_EMOJI",
        ),
        Intent.DIRECT_MESSAGE_REACTIONS,
    ),
    "TYPING_START": Intent.DIRECT_MESSAGE_TYPING,
}


def required_intent(event: str, *, in_guild: bool) -> int:
    """The intent a session needs to receive an event (0: every session gets it, e.g. INTERACTION_CREATE)."""
    table = _GUILD_EVENT_INTENTS if in_guild else _DM_EVENT_INTENTS
    return int(table.get(event, 0))


def ready_payload(
    state: EmulatorState, *, session_id: str, resume_url: str, guild_ids: list[int], shard: list[int] | None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "v": 10,
        "user": {**user_payload(state.bot_user), "verified": True, "mfa_enabled": False, "email": None},
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "application": {"id": str(state.application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "user_settings": {},
        "geo_ordered_rtc_regions": [],
        "_trace": ['["discord-emulator"]'],
    }
    if shard is not None:
        payload["shard"] = shard
    return payload


def guild_create_payload(state: EmulatorState, guild: Guild, *, intents: int, large_threshold: int) -> dict[str, Any]:
    """GUILD_CREATE as sent after READY: the full guild, channels, roles and (intent permitting) members."""
    member_count = len(guild.members)
    large = member_count > large_threshold
    if intents & Intent.GUILD_MEMBERS and not large:
        members = list(guild.members.values())
    else:  # Discord sends only the bot itself (and voice members) in this case
        members = [m for m in guild.members.values() if m.user_id == state.bot_user.id]
    events = [state.scheduled_events[e] for e in guild.scheduled_event_ids]
    return {
        **guild_payload(state, guild),
        "joined_at": iso(guild.bot_joined_at),
        "large": large,
        "unavailable": False,
        "member_count": member_count,
        "lazy": True,
        "voice_states": [],
        "members": [member_payload(m, state.users[m.user_id]) for m in members],
        "channels": [channel_payload(state, c) for c in state.guild_channels(guild.id)],
        "threads": [thread_payload(c) for c in state.active_threads(guild.id)],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [scheduled_event_payload(state, e) for e in events if not e.deleted],
        "soundboard_sounds": [],
        "embedded_activities": [],
    }


def message_event_payload(state: EmulatorState, message: MessageRecord, base_url: str) -> dict[str, Any]:
    """MESSAGE_CREATE/UPDATE data: the message plus guild_id, the author's and the mentions' members."""
    payload = message_payload(state, message, base_url)
    if message.guild_id is not None:
        payload["guild_id"] = str(message.guild_id)
        guild = state.guilds.get(message.guild_id)
        if guild is not None:
            author = guild.members.get(message.author_id)
            if author is not None and message.webhook_id is None:
                payload["member"] = member_payload(author)
            for mention in payload["mentions"]:
                member = guild.members.get(int(mention["id"]))
                if member is not None:
                    mention["member"] = member_payload(member)
    return payload


def redact_message_content(payload: dict[str, Any]) -> dict[str, Any]:
    """What a session without the MESSAGE_CONTENT intent sees of someone else's message."""
    redacted = {**payload, "content": "", "embeds": [], "attachments": [], "components": []}
    redacted.pop("poll", None)
    return redacted


def reaction_event_payload(
    state: EmulatorState, message: MessageRecord, reaction: Reaction, user_id: int, *, added: bool
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": str(message.channel_id),
        "message_id": str(message.id),
        "emoji": {"id": str(reaction.emoji_id) if reaction.emoji_id else None, "name": reaction.name},
        "burst": False,
        "type": 0,
    }
    if reaction.emoji_id and reaction.animated:
        payload["emoji"]["animated"] = True
    if message.guild_id is not None:
        payload["guild_id"] = str(message.guild_id)
    if added:
        payload["message_author_id"] = str(message.author_id)
        payload["burst_colors"] = []
        if message.guild_id is not None:
            member = state.guilds[message.guild_id].members.get(user_id)
            if member is not None:
                payload["member"] = member_payload(member, state.users[user_id])
    return payload


def member_update_payload(state: EmulatorState, guild_id: int, user_id: int) -> dict[str, Any]:
    member = state.guilds[guild_id].members[user_id]
    return {**member_payload(member, state.users[user_id]), "guild_id": str(guild_id)}


def role_event_payload(state: EmulatorState, guild_id: int, role_id: int) -> dict[str, Any]:
    return {"guild_id": str(guild_id), "role": role_payload(state.guilds[guild_id].roles[role_id])}
