"""Render the emulator's records as Discord's JSON objects (the shapes of the spec's response schemas)."""

from __future__ import annotations

from typing import Any

from .models import (
    AppCommand,
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    MessageRecord,
    Role,
    ScheduledEvent,
    User,
)
from .snowflakes import iso, snowflake_time
from .state import EmulatorState


def user_payload(user: User) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "global_name": user.global_name,
        "avatar": user.avatar,
        "discriminator": user.discriminator,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }
    if user.bot:
        payload["bot"] = True
    return payload


def user_pii_payload(user: User) -> dict[str, Any]:
    """GET /users/@me: the user plus the private fields only the user itself sees."""
    return {
        **user_payload(user),
        "mfa_enabled": False,
        "locale": user.locale,
        "verified": True,
        "email": None,
    }


def role_payload(role: Role) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "permissions": str(role.permissions),
        "position": role.position,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "managed": role.managed,
        "mentionable": role.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if role.bot_id is not None:
        payload["tags"] = {"bot_id": str(role.bot_id)}
    return payload


def member_payload(member: Member, user: User | None = None, *, permissions: int | None = None) -> dict[str, Any]:
    """A guild member; with `user` it is the full object, without it the partial one messages carry."""
    payload: dict[str, Any] = {
        "roles": [str(r) for r in member.role_ids],
        "joined_at": iso(member.joined_at),
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "communication_disabled_until": None,
        "flags": member.flags,
        "pending": False,
        "premium_since": None,
        "mute": False,
        "deaf": False,
    }
    if user is not None:
        payload["user"] = user_payload(user)
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def overwrite_payloads(channel: Channel) -> list[dict[str, Any]]:
    return [
        {"id": str(o.target_id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)} for o in channel.overwrites
    ]


def channel_payload(state: EmulatorState, channel: Channel) -> dict[str, Any]:
    last = str(channel.last_message_id) if channel.last_message_id else None
    if channel.type == ChannelType.DM:
        recipients = [user_payload(state.users[u]) for u in channel.recipient_ids if u in state.users]
        return {
            "id": str(channel.id),
            "type": channel.type,
            "flags": 0,
            "last_message_id": last,
            "recipients": recipients,
        }
    if channel.is_thread:
        return thread_payload(channel)
    payload: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "flags": 0,
        "guild_id": str(channel.guild_id),
        "name": channel.name or "",
        "position": channel.position,
        "parent_id": str(channel.parent_id) if channel.parent_id else None,
        "permission_overwrites": overwrite_payloads(channel),
        "nsfw": channel.nsfw,
    }
    if channel.type in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
        payload.update(topic=channel.topic, last_message_id=last, rate_limit_per_user=channel.rate_limit_per_user)
    elif channel.type == ChannelType.GUILD_VOICE:
        payload.update(
            bitrate=64000,
            user_limit=0,
            rtc_region=None,
            last_message_id=last,
            rate_limit_per_user=channel.rate_limit_per_user,
        )
    return payload


def thread_payload(thread: Channel) -> dict[str, Any]:
    """A thread channel object: its parent, owner and `thread_metadata` instead of overwrites."""
    created = iso(snowflake_time(thread.id))
    return {
        "id": str(thread.id),
        "type": thread.type,
        "flags": 0,
        "guild_id": str(thread.guild_id),
        "parent_id": str(thread.parent_id),
        "owner_id": str(thread.owner_id) if thread.owner_id else None,
        "name": thread.name or "",
        "last_message_id": str(thread.last_message_id) if thread.last_message_id else None,
        "rate_limit_per_user": thread.rate_limit_per_user,
        "message_count": thread.message_count,
        "total_message_sent": thread.message_count,
        "member_count": min(50, len(thread.thread_member_ids)),
        "thread_metadata": {
            "archived": thread.archived,
            "auto_archive_duration": thread.auto_archive_duration,
            "archive_timestamp": iso(thread.archived_at) if thread.archived_at else created,
            "locked": thread.locked,
            "create_timestamp": created,
        },
    }


def guild_payload(state: EmulatorState, guild: Guild) -> dict[str, Any]:
    """The REST guild object (GET /guilds/{id})."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "description": guild.description,
        "home_header": None,
        "splash": None,
        "discovery_splash": None,
        "features": list(guild.features),
        "banner": None,
        "owner_id": str(guild.owner_id),
        "application_id": None,
        "region": "deprecated",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "roles": [role_payload(r) for r in sorted(guild.roles.values(), key=lambda r: r.position)],
        "default_message_notifications": 1,
        "mfa_level": 0,
        "explicit_content_filter": 0,
        "max_presences": None,
        "max_members": 500000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "rules_channel_id": None,
        "safety_alerts_channel_id": None,
        "public_updates_channel_id": None,
        "premium_progress_bar_enabled": False,
        "nsfw": False,
        "nsfw_level": 0,
        "emojis": [],
        "stickers": [],
        "incidents_data": None,
    }


def attachment_payload(attachment: Attachment, channel_id: int, base_url: str) -> dict[str, Any]:
    url = f"{base_url}/attachments/{channel_id}/{attachment.id}/{attachment.filename}"
    payload: dict[str, Any] = {
        "id": str(attachment.id),
        "filename": attachment.filename,
        "size": attachment.size,
        "url": url,
        "proxy_url": url,
        "content_type": attachment.content_type,
    }
    if attachment.description:
        payload["description"] = attachment.description
    if attachment.ephemeral:
        payload["ephemeral"] = True
    return payload


def reaction_payloads(message: MessageRecord, viewer_id: int) -> list[dict[str, Any]]:
    return [
        {
            "emoji": {"id": str(r.emoji_id) if r.emoji_id else None, "name": r.name},
            "count": len(r.user_ids),
            "count_details": {"burst": 0, "normal": len(r.user_ids)},
            "burst_colors": [],
            "me_burst": False,
            "me": viewer_id in r.user_ids,
        }
        for r in message.reactions.values()
        if r.user_ids
    ]


def message_payload(
    state: EmulatorState, message: MessageRecord, base_url: str, *, with_reference: bool = True
) -> dict[str, Any]:
    """The message object as REST answers carry it (gateway events add guild_id and member)."""
    author = state.users[message.author_id]
    payload: dict[str, Any] = {
        "type": message.type,
        "content": message.content,
        "mentions": [user_payload(state.users[u]) for u in message.pinged_user_ids if u in state.users],
        "mention_roles": [str(r) for r in message.pinged_role_ids],
        "attachments": [attachment_payload(a, message.channel_id, base_url) for a in message.attachments],
        "embeds": message.embeds,
        "timestamp": iso(message.created_at),
        "edited_timestamp": iso(message.edited_at),
        "flags": message.flags,
        "components": message.components,
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "author": user_payload(author),
        "pinned": message.pinned,
        "mention_everyone": message.mention_everyone,
        "tts": message.tts,
    }
    if message.nonce is not None:
        payload["nonce"] = message.nonce
    if message.webhook_id is not None:
        payload["webhook_id"] = str(message.webhook_id)
    if message.application_id is not None:
        payload["application_id"] = str(message.application_id)
    if message.interaction_metadata is not None:
        payload["interaction_metadata"] = message.interaction_metadata
    reactions = reaction_payloads(message, state.bot_user.id)
    if reactions:
        payload["reactions"] = reactions
    if message.message_reference is not None:
        payload["message_reference"] = message.message_reference
        if with_reference:
            referenced = state.messages.get(int(message.message_reference.get("message_id") or 0))
            payload["referenced_message"] = (
                message_payload(state, referenced, base_url, with_reference=False)
                if referenced is not None and not referenced.deleted
                else None
            )
    return payload


def scheduled_event_payload(state: EmulatorState, event: ScheduledEvent) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(event.id),
        "guild_id": str(event.guild_id),
        "name": event.name,
        "description": event.description,
        "channel_id": str(event.channel_id) if event.channel_id else None,
        "creator_id": str(event.creator_id),
        "image": event.image,
        "scheduled_start_time": event.scheduled_start_time,
        "scheduled_end_time": event.scheduled_end_time,
        "status": event.status,
        "entity_type": event.entity_type,
        "entity_id": None,
        "recurrence_rule": event.recurrence_rule,
        "privacy_level": event.privacy_level,
        "guild_scheduled_event_exceptions": [],
        "user_count": 0,
        "entity_metadata": event.entity_metadata,
    }
    creator = state.users.get(event.creator_id)
    if creator is not None:
        payload["creator"] = user_payload(creator)
    return payload


def command_payload(command: AppCommand) -> dict[str, Any]:
    definition = command.definition
    permissions = definition.get("default_member_permissions")
    payload: dict[str, Any] = {
        "id": str(command.id),
        "application_id": str(command.application_id),
        "version": str(command.version),
        "default_member_permissions": None if permissions is None else str(permissions),
        "type": command.type,
        "name": command.name,
        "description": definition.get("description") or "",
        "dm_permission": definition.get("dm_permission") is not False,
        "contexts": definition.get("contexts"),
        "integration_types": definition.get("integration_types") or [0],
        "nsfw": bool(definition.get("nsfw")),
    }
    for key in ("name_localizations", "description_localizations"):
        if definition.get(key):
            payload[key] = definition[key]
    if definition.get("options"):
        payload["options"] = definition["options"]
    if command.guild_id is not None:
        payload["guild_id"] = str(command.guild_id)
    return payload


def application_payload(state: EmulatorState) -> dict[str, Any]:
    """GET /oauth2/applications/@me and /applications/@me."""
    bot = state.bot_user
    return {
        "id": str(state.application_id),
        "name": bot.global_name or bot.username,
        "icon": None,
        "description": "",
        "type": None,
        "bot": user_payload(bot),
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "flags_new": "0",
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "owner": user_payload(state.owner_user),
        "approximate_guild_count": len(state.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "team": None,
        "eligible_oauth2_scopes": [],
        "rpc_origins": [],
        "tags": [],
        "integration_types_config": {"0": {}},
    }
