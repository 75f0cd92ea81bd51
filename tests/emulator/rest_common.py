"""Helpers shared by the REST route modules: handler registration and the bot's permission checks."""

from __future__ import annotations

from collections.abc import Callable

from . import errors
from .models import THREAD_TYPES, Channel, ChannelType
from .permissions import Permission, has
from .rest_server import Handler
from .state import EmulatorState

TEXT_CHANNEL_TYPES = (
    ChannelType.GUILD_TEXT,
    ChannelType.GUILD_ANNOUNCEMENT,
    ChannelType.GUILD_VOICE,
    ChannelType.DM,
    *THREAD_TYPES,
)


class HandlerTable(dict[str, Handler]):
    """Route handlers keyed by the spec's operationId."""

    def route(self, operation_id: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self[operation_id] = handler
            return handler

        return register


def require_channel_permissions(state: EmulatorState, channel: Channel, *required: Permission) -> int:
    """The bot's permissions in a channel; 50001 without VIEW_CHANNEL, 50013 if something else is missing."""
    permissions = state.bot_permissions_in(channel)
    if not has(permissions, Permission.VIEW_CHANNEL):
        raise errors.missing_access()
    if not has(permissions, *required):
        raise errors.missing_permissions()
    return permissions


def require_guild_permissions(state: EmulatorState, guild_id: int, *any_of: Permission) -> int:
    """Guild-level permissions where any one of `any_of` is enough (e.g. MANAGE_EVENTS or CREATE_EVENTS)."""
    guild = state.guild(guild_id)
    if state.bot_user.id not in guild.members:
        raise errors.missing_access()
    permissions = state.guild_permissions(guild_id, state.bot_user.id)
    if any_of and not any(has(permissions, p) for p in any_of):
        raise errors.missing_permissions()
    return permissions


def require_bot_in_guild(state: EmulatorState, guild_id: int) -> None:
    if state.bot_user.id not in state.guild(guild_id).members:
        raise errors.missing_access()


def visible_channel(state: EmulatorState, channel_id: int) -> Channel:
    """A channel the bot can see (404 if unknown or deleted, 403 if hidden from it)."""
    channel = state.channel(channel_id)
    if channel.guild_id is not None:
        require_channel_permissions(state, channel)
    return channel


def require_text_channel(channel: Channel) -> None:
    if channel.type not in TEXT_CHANNEL_TYPES:
        raise errors.DiscordError(400, 50008, "Cannot send messages in a non-text channel")


def check_dm_allowed(state: EmulatorState, channel: Channel) -> None:
    """A DM to someone who does not accept DMs from the bot (or shares no server with it) fails with 50007."""
    if channel.type != ChannelType.DM:
        return
    recipient = state.dm_recipient(channel)
    shares_guild = recipient is not None and any(recipient.id in g.members for g in state.guilds.values())
    if recipient is None or not recipient.accepts_dms or not shares_guild:
        raise errors.DiscordError(403, errors.CANNOT_SEND_TO_USER, "Cannot send messages to this user")
