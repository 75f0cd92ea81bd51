"""Build INTERACTION_CREATE payloads as Discord sends them (member, permissions, resolved data ...)."""

from __future__ import annotations

from typing import Any

from .models import Attachment, Channel, ChannelType, MessageRecord
from .payloads import (
    attachment_payload,
    channel_payload,
    member_payload,
    message_payload,
    role_payload,
    user_payload,
)
from .state import EmulatorState

DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
CONTEXT_GUILD, CONTEXT_BOT_DM = 0, 1


def interaction_payload(
    state: EmulatorState,
    *,
    interaction_id: int,
    token: str,
    interaction_type: int,
    channel: Channel,
    user_id: int,
    data: dict[str, Any] | None,
    base_url: str,
    message: MessageRecord | None = None,
    attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
) -> dict[str, Any]:
    """The common envelope; `member` with computed permissions in guilds, `user` in DMs."""
    user = state.user(user_id)
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(state.application_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "channel_id": str(channel.id),
        "locale": user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": attachment_size_limit,
    }
    if data is not None:
        payload["data"] = data
    if channel.guild_id is not None:
        guild = state.guild(channel.guild_id)
        member = state.member(guild.id, user_id)
        permissions = state.permissions_in(channel, user_id)
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": list(guild.features)},
            guild_locale=guild.preferred_locale,
            member=member_payload(member, user, permissions=permissions),
            channel={**channel_payload(state, channel), "permissions": str(permissions)},
            app_permissions=str(state.bot_permissions_in(channel)),
            authorizing_integration_owners={"0": str(guild.id)},
            context=CONTEXT_GUILD,
        )
    else:
        payload.update(
            user=user_payload(user),
            channel={
                **channel_payload(state, channel),
                "permissions": str(state.permissions_in(channel, user_id)),
            },
            app_permissions=str(state.permissions_in(channel, state.bot_user.id)),
            authorizing_integration_owners={"0": str(state.bot_user.id)},
            context=CONTEXT_BOT_DM,
        )
    if message is not None:
        payload["message"] = message_payload(state, message, base_url)
    return payload


class Resolved:
    """Accumulates the `resolved` map of users, members, roles, channels and attachments."""

    def __init__(self, state: EmulatorState, channel: Channel, base_url: str) -> None:
        self.state = state
        self.channel = channel
        self.base_url = base_url
        self.data: dict[str, dict[str, Any]] = {}

    def add_user(self, user_id: int) -> None:
        user = self.state.user(user_id)
        self.data.setdefault("users", {})[str(user_id)] = user_payload(user)
        guild_id = self.channel.guild_id
        if guild_id is not None and user_id in self.state.guild(guild_id).members:
            member = self.state.guild(guild_id).members[user_id]
            permissions = self.state.permissions_in(self.channel, user_id)
            self.data.setdefault("members", {})[str(user_id)] = member_payload(member, permissions=permissions)

    def add_role(self, role_id: int) -> None:
        assert self.channel.guild_id is not None, "roles only exist in guilds"
        role = self.state.role(self.channel.guild_id, role_id)
        self.data.setdefault("roles", {})[str(role_id)] = role_payload(role)

    def add_channel(self, channel_id: int) -> None:
        channel = self.state.channel(channel_id)
        partial = {
            k: v
            for k, v in channel_payload(self.state, channel).items()
            if k
            in (
                "id",
                "type",
                "name",
                "parent_id",
                "position",
                "nsfw",
                "flags",
                "topic",
                "last_message_id",
                "rate_limit_per_user",
                "guild_id",
                "owner_id",  # a thread's
                "thread_metadata",
                "member_count",
                "message_count",
            )
        }
        partial.setdefault("last_message_id", None)
        partial.setdefault("rate_limit_per_user", 0)
        partial["permissions"] = str(self.state.bot_permissions_in(channel)) if channel.type != ChannelType.DM else "0"
        self.data.setdefault("channels", {})[str(channel_id)] = partial

    def add_mentionable(self, target_id: int) -> None:
        if self.channel.guild_id is not None and target_id in self.state.guild(self.channel.guild_id).roles:
            self.add_role(target_id)
        else:
            self.add_user(target_id)

    def add_attachment(self, attachment: Attachment) -> None:
        self.data.setdefault("attachments", {})[str(attachment.id)] = attachment_payload(
            attachment, self.channel.id, self.base_url
        )

    def add_message(self, message: MessageRecord) -> None:
        self.data.setdefault("messages", {})[str(message.id)] = message_payload(self.state, message, self.base_url)


def modal_submission(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The `components` of a MODAL_SUBMIT, mirroring the modal the bot showed, filled with `values`.

    Text inputs take a string; selects take a list of strings. A required input left out is an error,
    because Discord's client would not let the user submit the form.
    """
    remaining = dict(values)
    submitted = [_submit_component(c, remaining) for c in modal.get("components", [])]
    if remaining:
        raise ValueError(f"the modal has no inputs named {sorted(remaining)}")
    return submitted


def _submit_component(component: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    kind = component.get("type")
    base: dict[str, Any] = {"type": kind}
    if "id" in component:
        base["id"] = component["id"]
    if kind == 1:
        return {**base, "components": [_submit_input(c, values) for c in component.get("components", [])]}
    if kind == 18:
        return {**base, "component": _submit_input(component["component"], values)}
    if kind == 10:
        return {**base, "content": component.get("content", "")}
    return _submit_input(component, values)


def _submit_input(component: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    custom_id = component.get("custom_id", "")
    kind = component.get("type")
    submitted: dict[str, Any] = {"type": kind, "custom_id": custom_id}
    if "id" in component:
        submitted["id"] = component["id"]
    if custom_id not in values:
        if component.get("required", True) and kind == 4:
            raise ValueError(f"the modal's required input {custom_id!r} needs a value")
        value: Any = "" if kind == 4 else []
    else:
        value = values.pop(custom_id)
    if kind == 4:
        text = str(value)
        if component.get("max_length") is not None and len(text) > component["max_length"]:
            raise ValueError(f"{custom_id!r} allows at most {component['max_length']} characters")
        submitted["value"] = text
    else:
        submitted["values"] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return submitted
