"""Message lifecycle shared by REST, interactions and simulated members: create, edit, delete, react."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from . import errors
from .events import message_event_payload, reaction_event_payload, redact_message_content
from .gateway import Gateway
from .mentions import Pings, check_allowed_mentions, compute_pings
from .message_content import (
    CREATE_FLAGS,
    UploadedFile,
    build_attachments,
    empty_message_error,
    is_empty_message,
    normalise_components,
    normalise_embeds,
    sanitise_flags,
)
from .models import Channel, MessageFlags, MessageRecord, Reaction, emoji_key
from .permissions import P
from .snowflakes import utc_now
from .state import EmulatorState

REPLY = 19


class MessageService:
    def __init__(self, state: EmulatorState, gateway: Gateway, *, nonce_window: float = 300.0) -> None:
        self.state = state
        self.gateway = gateway
        self.nonce_window = nonce_window
        self.base_url = ""  # where attachments are served; set when the server starts
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}

    # -- create -----------------------------------------------------------------------------------
    def create(
        self,
        channel: Channel,
        author_id: int,
        body: dict[str, Any],
        files: list[UploadedFile] | None = None,
        *,
        allowed_flags: int = CREATE_FLAGS,
        message_type: int = 0,
        webhook_id: int | None = None,
        interaction_metadata: dict[str, Any] | None = None,
        interaction_id: int | None = None,
        ephemeral_user_id: int | None = None,
        allow_empty: bool = False,
    ) -> MessageRecord:
        files = files or []
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing = self._message_for_nonce(author_id, nonce)
            if existing is not None:
                return existing  # Discord answers with the message the nonce already made
        if not allow_empty and is_empty_message(body, files):
            raise empty_message_error()
        check_allowed_mentions(body.get("allowed_mentions"))
        reference = self._checked_reference(channel, body.get("message_reference"))
        flags = sanitise_flags(body.get("flags"), allowed=allowed_flags)
        message = MessageRecord(
            id=self.state.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=body.get("content") or "",
            type=REPLY if reference is not None and message_type == 0 else message_type,
            embeds=normalise_embeds(body.get("embeds")),
            components=normalise_components(body.get("components")),
            flags=flags,
            tts=bool(body.get("tts")),
            nonce=nonce,
            message_reference=reference,
            allowed_mentions=body.get("allowed_mentions"),
            webhook_id=webhook_id,
            application_id=self.state.application_id if webhook_id is not None else None,
            interaction_id=interaction_id,
            interaction_metadata=interaction_metadata,
            ephemeral_user_id=ephemeral_user_id,
        )
        message.attachments = build_attachments(
            self.state.ids, body.get("attachments"), files, ephemeral=bool(flags & MessageFlags.EPHEMERAL)
        )
        self._apply_pings(message, channel)
        message.notified = Pings(list(message.pinged_user_ids), list(message.pinged_role_ids), message.mention_everyone)
        self.state.add_message(message)
        if nonce is not None and body.get("enforce_nonce"):
            self._remember_nonce(author_id, nonce, message.id)
        self._dispatch("MESSAGE_CREATE", message)
        return message

    def _remember_nonce(self, author_id: int, nonce: str | int, message_id: int) -> None:
        now = time.monotonic()
        if len(self._nonces) >= 50_000:  # discord.py puts a nonce on every send: forget expired ones
            self._nonces = {k: v for k, v in self._nonces.items() if now - v[1] <= self.nonce_window}
        self._nonces[(author_id, str(nonce))] = (message_id, now)

    def _message_for_nonce(self, author_id: int, nonce: str | int) -> MessageRecord | None:
        entry = self._nonces.get((author_id, str(nonce)))
        if entry is None or time.monotonic() - entry[1] > self.nonce_window:
            return None
        message = self.state.messages.get(entry[0])
        return message if message is not None and not message.deleted else None

    def _checked_reference(self, channel: Channel, reference: dict[str, Any] | None) -> dict[str, Any] | None:
        if not reference or reference.get("message_id") is None:
            return None
        target_channel = int(reference.get("channel_id") or channel.id)
        target = self.state.messages.get(int(reference["message_id"]))
        if target is None or target.deleted or target.channel_id != target_channel:
            if reference.get("fail_if_not_exists", True):
                raise errors.invalid_form_body(
                    errors.field_error(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
                )
            return None
        stored: dict[str, Any] = {
            "type": int(reference.get("type") or 0),
            "channel_id": str(target.channel_id),
            "message_id": str(target.id),
        }
        if target.guild_id is not None:
            stored["guild_id"] = str(target.guild_id)
        return stored

    def _apply_pings(self, message: MessageRecord, channel: Channel) -> None:
        pings = self.pings_for(message, channel)
        message.pinged_user_ids = pings.user_ids
        message.pinged_role_ids = pings.role_ids
        message.mention_everyone = pings.everyone

    def pings_for(self, message: MessageRecord, channel: Channel) -> Pings:
        guild = self.state.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        replied = None
        if message.message_reference is not None and message.type == REPLY:
            target = self.state.messages.get(int(message.message_reference["message_id"]))
            replied = target.author_id if target is not None else None
        permissions = self.state.permissions_in(channel, message.author_id) if guild is not None else 0
        # Interaction responses and followups are sent "as the application", which may mention everyone.
        can_everyone = guild is not None and (bool(permissions & P.MENTION_EVERYONE) or message.webhook_id is not None)
        return compute_pings(
            message.content,
            message.allowed_mentions,
            known_user_ids=guild.members if guild is not None else self.state.users,
            guild_role_ids=guild.roles if guild is not None else (),
            mentionable_role_ids=[r.id for r in guild.roles.values() if r.mentionable] if guild else [],
            can_mention_everyone=can_everyone,
            replied_user_id=replied,
            author_id=message.author_id,
        )

    # -- edit / delete ----------------------------------------------------------------------------
    def edit(
        self,
        message: MessageRecord,
        body: dict[str, Any],
        files: list[UploadedFile] | None = None,
        *,
        clear_loading: bool = False,
    ) -> MessageRecord:
        files = files or []
        channel = self.state.channels[message.channel_id]
        if "allowed_mentions" in body:
            check_allowed_mentions(body["allowed_mentions"])
        # Work out the new message first: a rejected edit must leave the stored one untouched.
        updated = dataclasses.replace(message)
        if "allowed_mentions" in body:
            updated.allowed_mentions = body["allowed_mentions"]
        if "content" in body:
            updated.content = body["content"] or ""
        if "embeds" in body:
            updated.embeds = normalise_embeds(body["embeds"])
        if "components" in body:
            updated.components = normalise_components(body["components"])
        if body.get("flags") is not None:
            # Only SUPPRESS_EMBEDS may be toggled on an existing message.
            suppress = MessageFlags.SUPPRESS_EMBEDS
            updated.flags = (message.flags & ~suppress) | (int(body["flags"]) & suppress)
        if "attachments" in body or files:
            updated.attachments = build_attachments(
                self.state.ids,
                body.get("attachments"),
                files,
                existing=message.attachments,
                ephemeral=message.ephemeral,
            )
        if clear_loading:
            updated.flags &= ~MessageFlags.LOADING
        if not (updated.content or updated.embeds or updated.components or updated.attachments):
            raise empty_message_error()
        for field in ("allowed_mentions", "content", "embeds", "components", "flags", "attachments"):
            setattr(message, field, getattr(updated, field))
        self.state.remember_attachments(message.attachments)
        self._apply_pings(message, channel)
        message.edited_at = utc_now()
        message.edit_times.append(message.edited_at)
        self._dispatch("MESSAGE_UPDATE", message)
        return message

    def delete(self, message: MessageRecord) -> None:
        message.deleted = True
        if message.ephemeral_user_id is None:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=message.guild_id)
        self.state.changes.touch()

    def _dispatch(self, event: str, message: MessageRecord) -> None:
        if message.ephemeral_user_id is not None:
            self.state.changes.touch()  # ephemeral messages are never sent over the gateway
            return
        payload = message_event_payload(self.state, message, self.base_url)
        bot_id = self.state.bot_user.id
        visible = message.author_id == bot_id or bot_id in message.pinged_user_ids or message.guild_id is None
        redacted = None if visible else redact_message_content(payload)
        self.gateway.dispatch(event, payload, guild_id=message.guild_id, redacted=redacted)

    # -- reactions --------------------------------------------------------------------------------
    def add_reaction(self, message: MessageRecord, name: str, emoji_id: int | None, user_id: int) -> bool:
        """Add a reaction; False if the user had already reacted with it (Discord answers 204 anyway)."""
        key = emoji_key(name, emoji_id)
        reaction = message.reactions.get(key)
        if reaction is None:
            reaction = message.reactions[key] = Reaction(name=name, emoji_id=emoji_id)
        if user_id in reaction.user_ids:
            return False
        reaction.user_ids.append(user_id)
        self._dispatch_reaction("MESSAGE_REACTION_ADD", message, reaction, user_id, added=True)
        return True

    def remove_reaction(self, message: MessageRecord, name: str, emoji_id: int | None, user_id: int) -> bool:
        reaction = message.reactions.get(emoji_key(name, emoji_id))
        if reaction is None or user_id not in reaction.user_ids:
            return False
        reaction.user_ids.remove(user_id)
        self._dispatch_reaction("MESSAGE_REACTION_REMOVE", message, reaction, user_id, added=False)
        if not reaction.user_ids:
            del message.reactions[reaction.key]
        return True

    def _dispatch_reaction(
        self, event: str, message: MessageRecord, reaction: Reaction, user_id: int, *, added: bool
    ) -> None:
        payload = reaction_event_payload(self.state, message, reaction, user_id, added=added)
        self.gateway.dispatch(event, payload, guild_id=message.guild_id)


def parse_emoji(raw: str) -> tuple[str, int | None]:
    """A reaction route's emoji segment: a unicode emoji, or `name:id` for a custom one."""
    name, _, emoji_id = raw.rpartition(":") if ":" in raw else (raw, "", "")
    if emoji_id.isdigit():
        return name.removeprefix("a:"), int(emoji_id)
    return raw, None
