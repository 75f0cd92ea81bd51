"""The handle tests get back when they act: wait for the bot's answer and read what it said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import DiscordError
from .interactions import CallbackType, InteractionRecord
from .models import Attachment, MessageFlags, MessageRecord
from .state import EmulatorState


@dataclass(frozen=True)
class InteractionResponse:
    """The bot's initial response: callback type and the `data` it sent."""

    type: int
    data: dict[str, Any]


class InteractionHandle:
    """An interaction the emulator dispatched on a member's behalf."""

    def __init__(self, state: EmulatorState, record: InteractionRecord) -> None:
        self._state = state
        self.record = record

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.record.type} response={self.response_type}>"

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def token(self) -> str:
        return self.record.token

    @property
    def response_type(self) -> int | None:
        return self.record.callback_type

    @property
    def acknowledged(self) -> bool:
        return self.record.acknowledged

    @property
    def rejected(self) -> list[DiscordError]:
        """Callbacks Discord refused (a second response: 40060; too late: 10062)."""
        return self.record.rejected

    async def wait_response(self, timeout: float = 5.0) -> InteractionResponse:
        """Wait for the initial callback (the one that must arrive within the deadline)."""
        await self._state.changes.wait_for(
            lambda: self.record.acknowledged, timeout, f"a response to interaction {self.id}"
        )
        assert self.record.callback_type is not None
        return InteractionResponse(self.record.callback_type, self.record.callback_data or {})

    async def wait_final(self, timeout: float = 5.0) -> InteractionHandle:
        """Wait until a deferred response has been completed (original edited, or a followup sent)."""
        await self.wait_response(timeout)
        await self._state.changes.wait_for(self._settled, timeout, f"the final answer to interaction {self.id}")
        return self

    def _settled(self) -> bool:
        if self.record.callback_type not in (
            CallbackType.DEFERRED_CHANNEL_MESSAGE,
            CallbackType.DEFERRED_UPDATE_MESSAGE,
        ):
            return True
        if self.record.followup_message_ids:
            return True
        original = self._message(self.record.original_message_id)
        if original is None:
            return True
        if self.record.callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            return not original.flags & MessageFlags.LOADING
        return original.edit_count > self.record.original_edits_at_ack

    def _message(self, message_id: int | None) -> MessageRecord | None:
        return self._state.messages.get(message_id) if message_id is not None else None

    @property
    def message(self) -> MessageRecord | None:
        """The original response message (for updates: the message the component was on)."""
        return self._message(self.record.original_message_id)

    @property
    def followups(self) -> list[MessageRecord]:
        return [self._state.messages[m] for m in self.record.followup_message_ids]

    @property
    def last_message(self) -> MessageRecord | None:
        followups = self.followups
        return followups[-1] if followups else self.message

    @property
    def ephemeral(self) -> bool:
        message = self.message
        if message is not None and self.record.callback_type in (4, 5):
            return message.ephemeral
        return bool(int((self.record.callback_data or {}).get("flags") or 0) & MessageFlags.EPHEMERAL)

    @property
    def content(self) -> str | None:
        message = self.last_message
        return message.content if message is not None else None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        message = self.last_message
        return message.embeds if message is not None else []

    @property
    def components(self) -> list[dict[str, Any]]:
        message = self.last_message
        return message.components if message is not None else []

    @property
    def attachments(self) -> list[Attachment]:
        message = self.last_message
        return message.attachments if message is not None else []

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete suggestions the bot answered with."""
        if self.record.callback_type != CallbackType.AUTOCOMPLETE_RESULT:
            return []
        return list((self.record.callback_data or {}).get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        if self.record.callback_type != CallbackType.MODAL:
            return None
        return self.record.callback_data
