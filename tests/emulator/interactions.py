"""Interactions: dispatch, the one-response-within-3-seconds rule, callbacks and followup webhooks."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, NoReturn

from . import errors
from .answers import RestAnswer, no_content
from .gateway import Gateway
from .message_content import INTERACTION_FLAGS, UploadedFile
from .messages import MessageService
from .models import MessageFlags, MessageRecord
from .payloads import message_payload
from .state import EmulatorState

log = logging.getLogger(__name__)


class InteractionType:
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType:
    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


# Which initial responses Discord accepts for each kind of interaction.
_VALID_CALLBACKS = {
    InteractionType.PING: {CallbackType.PONG},
    InteractionType.APPLICATION_COMMAND: {4, 5, 9},
    InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    InteractionType.AUTOCOMPLETE: {8},
    InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
}


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user_id: int
    payload: dict[str, Any]
    dispatched_at: float
    source_message_id: int | None = None  # the message whose component was used
    parent: InteractionRecord | None = None  # for a modal submit: the interaction that opened the modal
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    callback_at: float | None = None
    original_message_id: int | None = None
    followup_message_ids: list[int] = field(default_factory=list)
    original_edits_at_ack: int = 0  # how often the original had been edited when the deferral arrived
    rejected: list[errors.DiscordError] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None


class InteractionService:
    def __init__(
        self,
        state: EmulatorState,
        messages: MessageService,
        gateway: Gateway,
        *,
        deadline: float,
        token_ttl: float = 15 * 60,
    ) -> None:
        self.state = state
        self.messages = messages
        self.gateway = gateway
        self.deadline = deadline
        self.token_ttl = token_ttl
        self.records: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}

    def new_identity(self) -> tuple[int, str]:
        interaction_id = self.state.ids.next()
        return interaction_id, f"aW50ZXJhY3Rpb24.{interaction_id}.{secrets.token_urlsafe(48)}"

    def dispatch(self, record: InteractionRecord) -> InteractionRecord:
        self.records[record.id] = record
        self._by_token[record.token] = record
        record.dispatched_at = time.monotonic()
        if not self.gateway.connected_sessions():
            log.warning("interaction %s dispatched while no bot is connected to the gateway", record.id)
        self.gateway.dispatch("INTERACTION_CREATE", record.payload, guild_id=record.guild_id, always=True)
        return record

    # -- POST /interactions/{id}/{token}/callback -------------------------------------------------
    def callback(
        self,
        interaction_id: int,
        token: str,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        with_response: bool,
    ) -> RestAnswer:
        record = self.records.get(interaction_id)
        if record is None or record.token != token:
            raise errors.not_found(errors.UNKNOWN_INTERACTION, "interaction")
        if record.acknowledged:
            self._reject(
                record,
                errors.DiscordError(
                    400, errors.INTERACTION_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
                ),
            )
        if time.monotonic() - record.dispatched_at > self.deadline:
            self._reject(record, errors.not_found(errors.UNKNOWN_INTERACTION, "interaction"))
        callback_type = int(body.get("type", 0))
        if callback_type not in _VALID_CALLBACKS.get(record.type, set()):
            raise errors.invalid_form_body(
                errors.field_error(
                    ["type"],
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    f"Callback type {callback_type} is not valid for interaction type {record.type}",
                )
            )
        data = body.get("data") or {}
        message = self._apply_callback(record, callback_type, data, files)
        record.callback_type, record.callback_data, record.callback_at = callback_type, data, time.monotonic()
        self.state.changes.touch()
        if not with_response:
            return no_content()
        return RestAnswer(200, self._callback_response(record, callback_type, message))

    def _reject(self, record: InteractionRecord, error: errors.DiscordError) -> NoReturn:
        record.rejected.append(error)
        self.state.changes.touch()
        raise error

    def _apply_callback(
        self, record: InteractionRecord, callback_type: int, data: dict[str, Any], files: list[UploadedFile]
    ) -> MessageRecord | None:
        if callback_type == CallbackType.CHANNEL_MESSAGE:
            message = self._create_response_message(record, data, files, loading=False)
            record.original_message_id = message.id
            return message
        if callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            message = self._create_response_message(record, data, [], loading=True)
            record.original_message_id = message.id
            return message
        if callback_type in (CallbackType.DEFERRED_UPDATE_MESSAGE, CallbackType.UPDATE_MESSAGE):
            source = self._source_message(record)
            if source is None:
                raise errors.invalid_form_body(
                    errors.field_error(
                        ["type"],
                        "INTERACTION_RESPONSE_TYPE_INVALID",
                        "This interaction has no message to update",
                    )
                )
            record.original_message_id = source.id
            record.original_edits_at_ack = source.edit_count
            if callback_type == CallbackType.UPDATE_MESSAGE:
                return self.messages.edit(source, data, files)
            return source
        return None  # PONG, autocomplete choices and modals create no message

    def _create_response_message(
        self, record: InteractionRecord, data: dict[str, Any], files: list[UploadedFile], *, loading: bool
    ) -> MessageRecord:
        channel = self.state.channels[record.channel_id]
        body = dict(data)
        flags = int(body.get("flags") or 0)
        if loading:
            body = {"flags": (flags & MessageFlags.EPHEMERAL) | MessageFlags.LOADING}
        is_command = record.type == InteractionType.APPLICATION_COMMAND
        return self.messages.create(
            channel,
            self.state.bot_user.id,
            body,
            files,
            allowed_flags=INTERACTION_FLAGS | MessageFlags.LOADING,
            message_type=20 if is_command else 0,
            webhook_id=self.state.application_id,
            interaction_id=record.id,
            interaction_metadata=self._metadata(record),
            ephemeral_user_id=record.user_id if (flags & MessageFlags.EPHEMERAL) else None,
            allow_empty=loading,
        )

    def _metadata(self, record: InteractionRecord) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": record.payload.get("member", {}).get("user") or record.payload.get("user"),
            "authorizing_integration_owners": record.payload["authorizing_integration_owners"],
        }
        if record.type == InteractionType.MESSAGE_COMPONENT and record.source_message_id is not None:
            metadata["interacted_message_id"] = str(record.source_message_id)
        if record.type == InteractionType.MODAL_SUBMIT and record.parent is not None:
            metadata["triggering_interaction_metadata"] = self._metadata(record.parent)
        return metadata

    def _source_message(self, record: InteractionRecord) -> MessageRecord | None:
        if record.source_message_id is None:
            return None
        message = self.state.messages.get(record.source_message_id)
        return message if message is not None and not message.deleted else None

    def _callback_response(
        self, record: InteractionRecord, callback_type: int, message: MessageRecord | None
    ) -> dict[str, Any]:
        interaction: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "channel_id": str(record.channel_id),
        }
        if record.guild_id is not None:
            interaction["guild_id"] = str(record.guild_id)
        response: dict[str, Any] = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = bool(message.flags & MessageFlags.LOADING)
            interaction["response_message_ephemeral"] = message.ephemeral
            # The spec's resource union has only CHANNEL_MESSAGE (4) and UPDATE_MESSAGE (7) for messages;
            # a deferral is described by response_message_loading on `interaction` instead.
            if callback_type in (CallbackType.CHANNEL_MESSAGE, CallbackType.UPDATE_MESSAGE):
                response["resource"] = {
                    "type": callback_type,
                    "message": message_payload(self.state, message, self.messages.base_url),
                }
        return response

    # -- followup webhooks ------------------------------------------------------------------------
    def record_for_webhook(self, application_id: int, token: str) -> InteractionRecord:
        record = self._by_token.get(token)
        if application_id != self.state.application_id or record is None or not record.acknowledged:
            raise errors.not_found(errors.UNKNOWN_WEBHOOK, "Webhook")
        if time.monotonic() - record.dispatched_at > self.token_ttl:
            raise errors.DiscordError(401, errors.INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token")
        return record

    def followup(self, record: InteractionRecord, body: dict[str, Any], files: list[UploadedFile]) -> MessageRecord:
        original = self.state.messages.get(record.original_message_id) if record.original_message_id else None
        if original is not None and not original.deleted and original.flags & MessageFlags.LOADING:
            # Discord: the first followup after a deferral replaces the "thinking" message and keeps its
            # visibility, whatever flags the followup asks for.
            edited = self.messages.edit(
                original, {k: v for k, v in body.items() if k != "flags"}, files, clear_loading=True
            )
            record.followup_message_ids.append(edited.id)
            return edited
        channel = self.state.channels[record.channel_id]
        flags = int(body.get("flags") or 0)
        message = self.messages.create(
            channel,
            self.state.bot_user.id,
            body,
            files,
            allowed_flags=INTERACTION_FLAGS,
            webhook_id=self.state.application_id,
            interaction_id=record.id,
            interaction_metadata=self._metadata(record),
            ephemeral_user_id=record.user_id if flags & MessageFlags.EPHEMERAL else None,
        )
        record.followup_message_ids.append(message.id)
        return message

    def webhook_message(self, record: InteractionRecord, message_ref: str) -> MessageRecord:
        """`@original` or a followup id of this interaction."""
        message_id = record.original_message_id if message_ref == "@original" else int(message_ref)
        if message_id is None or (
            message_ref != "@original"
            and message_id not in record.followup_message_ids
            and message_id != record.original_message_id
        ):
            raise errors.not_found(errors.UNKNOWN_MESSAGE, "Message")
        message = self.state.messages.get(message_id)
        if message is None or message.deleted:
            raise errors.not_found(errors.UNKNOWN_MESSAGE, "Message")
        return message
